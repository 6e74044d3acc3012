/*
 * Parley's visitor frame: what the host-page loader asks of the server on the visitor's
 * behalf without opening the chat. The spec's zc("offline_message_count") and its
 * browsing tracks (man_trace, zc("trace")) both need to know who the visitor is, and
 * that lives at the Parley origin: the anonymous visitor id the chat page keeps in its
 * local storage (src/storage.rs writes it under "parley.visitor.<sysnum>"), or the link's
 * partnerid. The host page cannot read it, so entrance.js opens
 * /chat/frame/v2/visitor.html (which loads this file) in a hidden iframe with the chat
 * page's own query string, and talks to it in the spec's envelope:
 *
 *   frame → page  {"action":"visitor_frame_ready"}
 *   page → frame  {"action":"offline_message_count"}
 *   frame → page  {"action":"offline_message_count","result":{…}}  or  "error":"…"
 *   page → frame  {"action":"trace","pre_visit_args":{…},"cur_visit_args":{…}}
 *   frame → page  {"action":"trace","recorded":true}  or  "error":"…"
 *   page → frame  {"action":"watch_invitations","cur_visit_args":{…}}
 *   frame → page  {"action":"invitation","agent_id":…,"agent_name":…,"agent_avatar":…,"text":…}
 *
 * watch_invitations (the page has invite_flag) reports the visitor's page every
 * PRESENCE_INTERVAL_SECS (10 s, parley_protocol::api) with POST /api/chat/presence, so
 * agents can list and invite them; an agent's invitation comes back in an answer.
 *
 * Messages are heard only from the parent window at its exact origin, and posted only to
 * that origin; which origins may frame this page at all is the tenant's allowed-origins
 * list, enforced by the page's CSP (frame-ancestors). A recorded track makes the visitor
 * known to the server, so this frame keeps the id the server gave, as the chat would:
 * the chat later started from this browser belongs to the same visitor, and the agent
 * sees the pages that led to it.
 *
 * Plain ES2017, no build step, no dependencies.
 */
(function () {
  "use strict";

  var w = window;
  if (w.parent === w) {
    return;
  }

  // The framing page's origin: Chromium and WebKit say it directly; elsewhere the
  // referrer (the loader's iframe sends it) names it.
  function parentOrigin() {
    var ancestors = w.location.ancestorOrigins;
    if (ancestors && ancestors.length > 0) {
      return ancestors[0];
    }
    try {
      return new URL(document.referrer).origin;
    } catch (e) {
      return null;
    }
  }

  var target = parentOrigin();
  if (!target || target === "null") {
    return;
  }

  var ENVELOPE = "zc_post_message";
  var query = w.location.search.replace(/^\?/, "");
  var params = new URLSearchParams(query);
  var key = "parley.visitor." + (params.get("sysnum") || params.get("sysNum") || "");

  function keptId() {
    try {
      return w.localStorage.getItem(key);
    } catch (e) {
      return null; // Storage blocked: only a link's partnerid can name the visitor then.
    }
  }

  // As the chat page does after init: the server's answer is who this browser is now.
  function keep(id) {
    try {
      if (typeof id === "string" && id) {
        w.localStorage.setItem(key, id);
      }
    } catch (e) {
      // Nothing kept: the next page asks again, and the server finds the same partnerid.
    }
  }

  function post(data) {
    w.parent.postMessage(JSON.stringify({ name: ENVELOPE, data: data }), target);
  }

  // POSTs `body` as JSON; resolves with the answer, rejects with the server's message.
  // `keepalive` lets a track of a page the visitor is leaving still arrive.
  function call(path, body) {
    return fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
      credentials: "omit",
      keepalive: true
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) {
          throw new Error((answer && answer.message) || "HTTP " + response.status);
        }
        return answer;
      });
    });
  }

  function failed(action) {
    return function (e) {
      post({ action: action, error: String((e && e.message) || e) });
    };
  }

  var PRESENCE_INTERVAL_MS = 10000;
  var watching = false;

  var ACTIONS = {
    offline_message_count: function () {
      call("/api/chat/offline", { query: query, visitor_id: keptId() })
        .then(function (result) {
          post({ action: "offline_message_count", result: result });
        })
        .catch(failed("offline_message_count"));
    },
    trace: function (data) {
      call("/api/chat/trace", {
        query: query,
        visitor_id: keptId(),
        pre_visit_args: data.pre_visit_args || null,
        cur_visit_args: data.cur_visit_args || null
      })
        .then(function (answer) {
          keep(answer && answer.visitor_id);
          post({ action: "trace", recorded: true });
        })
        .catch(failed("trace"));
    },
    watch_invitations: function (data) {
      if (watching) {
        return;
      }
      watching = true;
      var page = data.cur_visit_args || null;
      var delay = PRESENCE_INTERVAL_MS;
      function report() {
        // The page turned invite_flag on (or left it to the tenant's backend, which has
        // it on): the loader sends watch_invitations only then.
        call("/api/chat/presence", {
          query: query + "&invite_flag=1",
          visitor_id: keptId(),
          cur_visit_args: page
        })
          .then(function (answer) {
            delay = PRESENCE_INTERVAL_MS;
            keep(answer && answer.visitor_id);
            var invitation = answer && answer.invitation;
            if (invitation && typeof invitation === "object") {
              post({
                action: "invitation",
                agent_id: String(invitation.agent_id || ""),
                agent_name: String(invitation.agent_name || ""),
                agent_avatar: String(invitation.agent_avatar || ""),
                text: String(invitation.text || "")
              });
            }
          })
          .catch(function (e) {
            // A server that is down or refusing is asked less and less often.
            delay = Math.min(delay * 2, 6 * PRESENCE_INTERVAL_MS);
            failed("watch_invitations")(e);
          })
          .then(function () {
            setTimeout(report, delay);
          });
      }
      report();
    }
  };

  w.addEventListener("message", function (event) {
    if (event.source !== w.parent || event.origin !== target || typeof event.data !== "string") {
      return;
    }
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    var data = message && message.name === ENVELOPE ? message.data : null;
    if (data && typeof data === "object" && Object.prototype.hasOwnProperty.call(ACTIONS, data.action)) {
      ACTIONS[data.action](data);
    }
  });
  post({ action: "visitor_frame_ready" });
})();
