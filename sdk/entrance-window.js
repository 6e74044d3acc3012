/*
 * A lazy part of entrance.js: the chat window (the panel with the loader's bar and the
 * iframe of the chat page) and the bridge to the chat inside it (src/bridge.rs is the
 * other side). Loaded on the first open (fetched ahead when the pointer or the focus
 * reaches the launcher or a custom button), or at start with `async` / `auto_expand`.
 *
 * The frame is created once and hidden (not removed) when folded, so its socket lives
 * on; `refresh` / `reload` set its `src` again on every re-expand. Messages are heard only
 * from the iframe's window at the Parley origin and posted only to that origin.
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
    var st = api.st; // shared with entrance.js: expanded, frame, chatReady
    var on = api.on;
    var get = api.get;
    var panel = null;
    var bar = null;

    function chatUrl() {
      return api.url();
    }

    function envelope(data) {
      return JSON.stringify({ name: "zc_post_message", data: data });
    }

    function sendStatus() {
      if (st.chatReady && st.frame.contentWindow) {
        // The exact origin: if the frame was navigated elsewhere, the browser drops it.
        st.frame.contentWindow.postMessage(
          envelope({ action: "frame_status", status: st.expanded ? "expand" : "collapse" }),
          api.ORIGIN
        );
      }
    }

    // Messages of the chat document in our iframe, served by the Parley server; a
    // message from the host page itself, another frame or another origin is not heard.
    api.hooks.chat = function (source, data) {
      var action = st.frame && source === st.frame.contentWindow && data.action;
      if (action === "frame_ready") {
        st.chatReady = true;
        // The chat's own top bar has a collapse button: the loader's bar would be a
        // second one, so it goes (unless it is the handle for dragging).
        var own = data.close_button === 1 && !(on("dragging") && !api.isH5());
        bar.style.setProperty("display", own ? "none" : "flex");
        // The chat starts as if expanded; tell it the truth, so it reports unread
        // messages while the window is collapsed.
        sendStatus();
        api.fireReady();
      } else if (action === "chat_collapse_window") {
        collapse(true);
      } else if (action === "chat_end") {
        // end_of_close (PC components, on by default): the window closes after the
        // chat ends, after a pause so the visitor sees the "ended" notice.
        if (!api.isH5() && on("end_of_close")) {
          setTimeout(api.collapse, 1500);
        }
      } else if (action === "receive_message") {
        var detail = {
          img: String(data.img || ""),
          name: String(data.name || ""),
          msg: String(data.msg || ""),
          t: Number(data.t) || 0
        };
        if (!st.expanded) {
          api.addUnread(1);
        }
        api.messages.forEach(function (fn) {
          api.call(fn, detail);
        });
        // The spec: "zhichiReceive can also be monitored".
        w.dispatchEvent(new CustomEvent("zhichiReceive", { detail: detail }));
      }
    };

    function ensureFrame() {
      if (st.frame) {
        return false;
      }
      panel = api.el("div", "parley-panel");
      panel.setAttribute("role", "region");
      panel.setAttribute("aria-label", api.t("frame"));
      bar = api.el("div", "parley-bar");
      bar.style.cssText =
        "display:flex;justify-content:flex-end;align-items:center;height:32px;padding:0 4px;" +
        "background:#f4f5f7;border-bottom:1px solid #e3e5e8;flex:0 0 auto;box-sizing:border-box";
      var close = api.el("button", "parley-btn parley-close");
      close.type = "button";
      close.setAttribute("aria-label", api.t("close"));
      close.textContent = "\u00d7";
      close.style.cssText =
        "margin:0;padding:0;border:0;background:transparent;cursor:pointer;width:32px;" +
        "height:28px;color:#333;font:22px/28px system-ui,sans-serif;border-radius:6px";
      close.addEventListener("click", function () {
        api.collapse();
      });
      bar.appendChild(close);
      var frame = (st.frame = api.el("iframe", "parley-frame"));
      frame.title = api.t("frame");
      frame.setAttribute("allow", "clipboard-write");
      frame.style.cssText =
        "flex:1 1 auto;width:100%;min-height:0;border:0;margin:0;display:block;background:#fff";
      // The address is set before the frame is in the document, so the frame loads the
      // chat directly and never an about:blank first.
      frame.src = chatUrl();
      panel.appendChild(bar);
      panel.appendChild(frame);
      api.root().appendChild(panel);
      layout();
      return true;
    }

    // A width or height: a bare number is pixels; other units as the protocol accepts.
    function length(value, fallback) {
      var m = /^(\d{1,6}(\.\d+)?)(px|%|vw|vh|em|rem)?$/.exec(String(value).trim().toLowerCase());
      return m ? m[1] + (m[3] || "px") : fallback;
    }

    // Size and place the window: PC a floating window beside the launcher, H5 the whole
    // screen or (expand_size "half") a bottom sheet of half the viewport's height.
    function layout() {
      if (!panel) {
        return;
      }
      var half = String(get("expand_size")) === "half";
      var gap = on("custom") ? "20px" : "90px";
      panel.style.cssText =
        "position:fixed;z-index:2147483000;flex-direction:column;overflow:hidden;background:#fff;" +
        "box-sizing:border-box;margin:0;border:0";
      panel.style.display = st.expanded ? "flex" : "none";
      if (api.isH5()) {
        api.css(panel, {
          left: "0", bottom: "0", width: "100%", height: half ? "50%" : "100%",
          "border-radius": half ? "12px 12px 0 0" : "0",
          "box-shadow": half ? "0 -4px 20px rgba(0,0,0,.25)" : "none"
        });
        return;
      }
      api.css(panel, {
        width: length(get("width"), "380px"), height: length(get("height"), "600px"),
        "max-width": "calc(100vw - 40px)", "max-height": "calc(100vh - " + gap + " - 20px)",
        "border-radius": "12px", "box-shadow": "0 8px 30px rgba(0,0,0,.25)",
        bottom: gap
      });
      panel.style.setProperty(api.side(), "20px");
      // container_style and a dragged place (entrance-panel.js).
      if (api.hooks.layout) {
        api.hooks.layout(panel, bar);
      }
    }

    function expand(focus) {
      if (st.expanded) {
        return;
      }
      if (!ensureFrame() && (on("refresh") || on("reload"))) {
        // A fresh page load on every re-expand (refresh / reload). Setting src always
        // navigates, even to the same address; the new document posts frame_ready again.
        st.chatReady = false;
        st.frame.src = chatUrl();
      }
      st.expanded = true;
      layout();
      sendStatus();
      if (focus) {
        st.frame.focus();
      }
    }

    // Every fold, whatever caused it, reaches the page as the spec's
    // `chat_collapse_window` envelope: posted here to the page's own window, unless the
    // chat posted it itself (its own button: `byChat`).
    function collapse(byChat) {
      if (!st.expanded) {
        return;
      }
      st.expanded = false;
      layout();
      sendStatus();
      if (byChat !== true) {
        w.postMessage(envelope({ action: "chat_collapse_window" }), "/");
      }
      api.collapsed(panel.contains(d.activeElement));
    }

    return { frame: ensureFrame, expand: expand, collapse: collapse, layout: layout };
  });
})(document.currentScript);
