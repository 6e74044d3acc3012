/*
 * A lazy part of entrance.js: the host page's side of the hidden visitor frame
 * (/chat/frame/v2/visitor.html, sdk/visitor.js). Loaded only when a page asks for
 * offline messages (zc("offline_message_count")), records browsing tracks (man_trace,
 * zc("trace")) or lets agents invite its visitors (invite_flag).
 *
 * The visitor's identity lives at the Parley origin (the id the chat page kept, or the
 * link's partnerid), which this page cannot read, so a hidden frame there asks the server
 * for us. It is opened on first use and then stays. Its messages are heard only from its
 * own window at the Parley origin, and posted only to that origin.
 *
 * Plain ES2017; `cargo xtask build-client` minifies it under a hashed name.
 */
(function (s) {
  "use strict";
  if (!s || !s.parley) {
    return;
  }
  s.parley(function (api) {
    var w = window;
    var d = document;
    var cfg = api.cfg;
    var vframe = null;
    var vready = false;
    var vqueue = [];
    var offlineCallbacks = [];
    var offlineResult = null;

    function open() {
      vframe = api.el("iframe");
      vframe.setAttribute("aria-hidden", "true");
      vframe.setAttribute("tabindex", "-1");
      vframe.style.cssText =
        "position:absolute;width:0;height:0;border:0;visibility:hidden;pointer-events:none";
      vframe.src = api.ORIGIN + "/chat/frame/v2/visitor.html?" + api.query();
      api.root().appendChild(vframe);
    }

    function send(data) {
      if (vready) {
        vframe.contentWindow.postMessage(
          JSON.stringify({ name: "zc_post_message", data: data }),
          api.ORIGIN
        );
      } else {
        vqueue.push(data);
        if (!vframe) {
          open();
        }
      }
    }

    // The chat messages the frame found: {img, name, msg, t} each.
    function notes(list) {
      return (Array.isArray(list) ? list : []).map(function (n) {
        n = n || {};
        return {
          img: String(n.img || ""),
          name: String(n.name || ""),
          msg: String(n.msg || ""),
          t: Number(n.t) || 0
        };
      });
    }

    function offlineAnswer(data) {
      var r = data.result;
      if (!r || typeof r !== "object") {
        return api.warn("offline", "offline messages could not be fetched: " + String(data.error || "no answer"));
      }
      var offlineMsg = notes(r.offlineMsg);
      var unAckMsg = notes(r.unAckMsg);
      offlineResult = {
        size: offlineMsg.length,
        offlineMsg: offlineMsg,
        unAckMsg: unAckMsg,
        unAckSize: unAckMsg.length,
        groupId: String(r.groupId || ""),
        leaveToTicket: r.leaveToTicket === 1 ? 1 : 0
      };
      // What waits for the visitor shows on the launcher's badge too.
      if (!api.st.expanded && offlineMsg.length + unAckMsg.length > 0) {
        api.addUnread(offlineMsg.length + unAckMsg.length);
      }
      offlineCallbacks.forEach(function (fn) {
        api.call(fn, offlineResult);
      });
    }

    // The string fields of a track object; nested objects and functions are dropped.
    function strings(o, out) {
      if (o && typeof o === "object") {
        Object.keys(o).forEach(function (k) {
          var v = o[k];
          if (v != null && typeof v !== "object" && typeof v !== "function") {
            out[k] = String(v);
          }
        });
      }
      return out;
    }

    // One page's track entry for the server: the flat `cur_*` / `pre_*` parameters of
    // zc("config"), then its `cur_visit_args` / `pre_visit_args`, then `given` (the
    // argument of zc("trace")), later ones winning; this page's address and title and
    // the referrer fill what none of them says (the spec's automatic collection).
    function entry(given) {
      given = given && typeof given === "object" ? given : {};
      function side(prefix) {
        var flat = {};
        Object.keys(cfg).forEach(function (k) {
          if (k.indexOf(prefix + "_") === 0 && k !== prefix + "_visit_args") {
            flat[k] = cfg[k];
          }
        });
        var out = strings(flat, {});
        strings(cfg[prefix + "_visit_args"], out);
        return strings(given[prefix + "_visit_args"], out);
      }
      var cur = side("cur");
      cur.cur_visit_url = cur.cur_visit_url || w.location.href;
      cur.cur_visit_title = cur.cur_visit_title || d.title;
      var pre = side("pre");
      if (!pre.pre_visit_url && d.referrer) {
        pre.pre_visit_url = d.referrer;
      }
      return { action: "trace", cur_visit_args: cur, pre_visit_args: pre };
    }

    api.hooks.message = function (source, data) {
      if (!vframe || source !== vframe.contentWindow) {
        return false;
      }
      if (data.action === "visitor_frame_ready") {
        vready = true;
        vqueue.splice(0).forEach(send);
      } else if (data.action === "offline_message_count") {
        offlineAnswer(data);
      } else if (data.action === "invitation") {
        api.part("invite", function (v) {
          v.show(data);
        });
      } else if (data.error) {
        api.warn(data.action, data.action + " failed: " + String(data.error));
      }
      return true;
    };

    var asked = false;
    return {
      offline: function (callback) {
        offlineCallbacks.push(callback);
        if (offlineResult) {
          api.call(callback, offlineResult);
        } else if (!asked) {
          asked = true;
          send({ action: "offline_message_count" });
        }
      },
      trace: function (args) {
        send(entry(args));
      },
      man_trace: function () {
        send(entry(null));
      },
      invite_flag: function () {
        send({ action: "watch_invitations", cur_visit_args: entry(null).cur_visit_args });
      }
    };
  });
})(document.currentScript);
