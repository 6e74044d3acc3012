/*
 * A lazy part of entrance.js: the invitation dialog. Loaded only when a page turns on
 * automatic invitations (`invite`, with tip_title, submit_title, first_timeout,
 * over_timeout, invite_count, invite_imgsrc; zc("config") > backend > default) or an
 * agent invites the visitor (invite_flag, through entrance-visitor.js).
 *
 * The texts are set with textContent and the logo only for http(s) addresses.
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
    var invite = null;
    var timer = 0;
    var key = "parley-invite:" + api.SYSNUM;

    function today() {
      var n = new Date();
      return n.getFullYear() + "-" + (n.getMonth() + 1) + "-" + n.getDate();
    }

    // How many invitations were shown today, kept in local storage (if the page may).
    function shownToday() {
      try {
        var saved = JSON.parse(w.localStorage.getItem(key) || "null");
        return saved && saved.day === today() ? Number(saved.n) || 0 : 0;
      } catch (e) {
        return 0;
      }
    }

    function count() {
      try {
        w.localStorage.setItem(key, JSON.stringify({ day: today(), n: shownToday() + 1 }));
      } catch (e) {
        // Storage refused (private mode, blocked): the limit then holds per page view.
      }
    }

    function schedule(seconds) {
      clearTimeout(timer);
      timer = setTimeout(show, Math.max(0, Number(seconds) || 0) * 1000);
    }

    function hide(cancel) {
      if (cancel) {
        clearTimeout(timer);
      }
      if (invite) {
        invite.remove();
        invite = null;
      }
    }

    function httpUrl(value) {
      try {
        var u = new URL(String(value), w.location.href);
        return /^https?:$/.test(u.protocol) ? u.href : null;
      } catch (e) {
        return null;
      }
    }

    // The dialog: the automatic one, or, given `byAgent` (the visitor frame's
    // `invitation`), an agent's, which is not counted against invite_count, replaces an
    // automatic one, names the agent, and opens the chat with that agent when accepted.
    function show(byAgent) {
      byAgent = byAgent && byAgent.action ? byAgent : null;
      if (api.st.expanded) {
        return;
      }
      if (byAgent) {
        hide();
      } else {
        var limit = api.get("invite_count");
        if (invite || (limit != null && limit !== "" && shownToday() >= Number(limit))) {
          return;
        }
        count();
      }
      var el = api.el;
      var css = api.css;
      invite = el("div", "parley-invite");
      invite.setAttribute("role", "dialog");
      invite.setAttribute("aria-live", "polite");
      var text = byAgent && byAgent.text ? String(byAgent.text) : String(api.get("tip_title") || api.t("invite"));
      invite.setAttribute("aria-label", text);
      invite.style.cssText =
        "position:fixed;z-index:2147483000;width:280px;max-width:calc(100vw - 40px);padding:16px;" +
        "box-sizing:border-box;background:#fff;color:#1a1a1a;border-radius:12px;" +
        "box-shadow:0 8px 30px rgba(0,0,0,.25);font:15px/1.4 system-ui,sans-serif";
      css(invite, { bottom: api.on("custom") ? "20px" : "90px" });
      invite.style.setProperty(api.side(), "20px");
      var img = httpUrl(api.get("invite_imgsrc") || "");
      if (img) {
        var logo = el("img");
        logo.alt = "";
        logo.src = img;
        logo.referrerPolicy = "no-referrer";
        logo.style.cssText = "display:block;max-width:64px;max-height:64px;margin-bottom:8px";
        invite.appendChild(logo);
      }
      if (byAgent && byAgent.agent_name) {
        var who = el("p", "parley-invite-agent");
        who.textContent = String(byAgent.agent_name);
        who.style.cssText = "margin:0 24px 4px 0;font-weight:600";
        invite.appendChild(who);
      }
      var p = el("p");
      p.textContent = text;
      p.style.cssText = "margin:0 24px 12px 0";
      invite.appendChild(p);
      var bg = api.color();
      var accept = el("button", "parley-btn parley-accept");
      accept.type = "button";
      accept.textContent = String(api.get("submit_title") || api.t("accept"));
      accept.style.cssText =
        "margin:0;padding:8px 16px;border:0;border-radius:18px;font:600 15px/1.2 system-ui,sans-serif;cursor:pointer";
      css(accept, { background: "#" + bg, color: api.textOn(bg) });
      accept.addEventListener("click", function () {
        // The chat goes to the inviting agent (straight to a human unless the site set
        // its own reception type), when it is not loaded yet.
        if (byAgent && byAgent.agent_id && !api.st.frame) {
          api.cfg.agentid = String(byAgent.agent_id);
          if (api.cfg.type == null || api.cfg.type === "") {
            api.cfg.type = 2;
          }
        }
        api.expand(true);
      });
      var dismiss = el("button", "parley-btn parley-dismiss");
      dismiss.type = "button";
      dismiss.setAttribute("aria-label", api.t("dismiss"));
      dismiss.textContent = "\u00d7";
      dismiss.style.cssText =
        "margin:0;padding:0;border:0;background:transparent;cursor:pointer;position:absolute;" +
        "top:6px;right:6px;width:28px;height:28px;color:#555;font:20px/28px system-ui,sans-serif";
      dismiss.addEventListener("click", function () {
        hide();
        // Invited again after over_timeout seconds, within the day's count.
        if (!byAgent && api.on("invite") && Number(api.get("over_timeout")) > 0) {
          schedule(api.get("over_timeout"));
        }
      });
      invite.appendChild(accept);
      invite.appendChild(dismiss);
      api.root().appendChild(invite);
    }

    api.hooks.hide = hide;
    return { schedule: schedule, show: show };
  });
})(document.currentScript);
