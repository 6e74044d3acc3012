/*
 * Parley's host-page loader: the Sobot Web-JS SDK's entrance.js.
 *
 * A site pastes the spec's access code, which defines `window.zc` as a queue (every call
 * pushes its `arguments` onto `window.cbk`) and loads this file with the id
 * "zhichiScript" and `?sysnum=…`. This file replays that queue in order, then replaces
 * `window.zc` with a function that runs commands at once. It shows a launcher button
 * and opens the chat page in one floating iframe, or in a new window with `anchor`.
 *
 * Rules kept here (see ARCHITECTURE.md):
 * - Everything lives in this closure; the only global written is `window.zc`.
 * - No configuration, visitor or agent text is ever parsed as HTML: the DOM is built
 *   with createElement and textContent, and links open only for http and https.
 * - Messages from the chat are accepted only from the iframe's own window at the Parley
 *   server's origin, and messages to the chat are posted to that origin, never to "*".
 *   The same holds for the hidden visitor frame (sdk/visitor.js).
 *
 * Plain ES2017, no build step, no dependencies.
 */
(function () {
  "use strict";

  var w = window;
  var d = document;

  // A second copy of the script (pasted twice, or loaded by an SPA again) must not add a
  // second launcher: the first copy marks the `zc` it installs.
  if (typeof w.zc === "function" && w.zc.parley) {
    return;
  }

  // The spec's envelope name for every message between the page and the chat.
  var ENVELOPE = "zc_post_message";
  var DEFAULT_COLOR = "04babc";
  // How long the ended chat stays on screen before end_of_close closes the window.
  var END_CLOSE_DELAY_MS = 1500;
  var Z = "2147483000";

  // Where this script came from: the Parley server's origin and the tenant's sysnum.
  // `currentScript` is null once the script has run, and with some loaders it is null
  // from the start, so the access code's id is the fallback.
  var script = d.currentScript || d.getElementById("zhichiScript");
  var source;
  try {
    source = new URL(script.src, w.location.href);
  } catch (e) {
    console.warn("Parley: cannot find the entrance.js script tag; the chat is not shown.");
    return;
  }
  if (source.protocol !== "http:" && source.protocol !== "https:") {
    console.warn("Parley: entrance.js must be loaded over http or https.");
    return;
  }
  var ORIGIN = source.origin;
  var SYSNUM = source.searchParams.get("sysnum") || source.searchParams.get("sysNum") || "";
  // The access code's `x.className` names the class of the site's own chat buttons.
  var customClasses = (script.className || "").split(/\s+/).filter(Boolean);
  if (customClasses.length === 0) {
    customClasses = ["zhiCustomBtn"];
  }
  var customSelector = customClasses
    .map(function (c) {
      return "." + (w.CSS && w.CSS.escape ? w.CSS.escape(c) : c.replace(/[^\w-]/g, ""));
    })
    .join(",");

  // Parameters the loader itself uses. They are "Component" rows of the spec's
  // parameter list (plus the browsing-track fields, which go to the visitor frame), so
  // they are not put in the chat page's URL. Everything else given to `zc("config")` is.
  var LOADER_ONLY = {};
  [
    "sysnum", "sysNum", "anchor", "async", "manual", "custom", "location", "invite",
    "invite_flag", "tip_title", "submit_title", "first_timeout", "over_timeout",
    "invite_count", "invite_imgsrc", "container_style", "width", "height", "expand_size",
    "gif", "auto_expand", "end_of_close", "dragging", "refresh", "man_trace",
    "pre_visit_args", "cur_visit_args", "pre_abstract", "pre_visit_url",
    "pre_visit_title", "pre_thumbnail", "pre_tags", "cur_abstract", "cur_visit_url",
    "cur_visit_title", "cur_thumbnail", "cur_tags"
  ].forEach(function (k) {
    LOADER_ONLY[k] = true;
  });

  // container_style may move and decorate the PC window but not size it (the spec:
  // "height and width settings are unavailable") nor take it out of the page's flow.
  var STYLE_ALLOWED = /^(top|right|bottom|left|z-index|margin(-(top|right|bottom|left))?|border(-(top|right|bottom|left))?(-(width|style|color))?|border-radius|border-(top|bottom)-(left|right)-radius|box-shadow|background-color|outline(-(width|style|color|offset))?|opacity)$/;

  var LABELS = {
    en: {
      open: "Open chat", close: "Close chat", frame: "Customer service chat",
      unread: " unread", invite: "Hi! Can we help you?", accept: "Chat now",
      dismiss: "Dismiss", chat: "Chat"
    },
    zh: {
      open: "打开在线客服", close: "关闭在线客服", frame: "在线客服",
      unread: " 条未读消息", invite: "您好，有什么可以帮您？", accept: "立即咨询",
      dismiss: "关闭", chat: "咨询"
    },
    "zh-Hant": {
      open: "開啟線上客服", close: "關閉線上客服", frame: "線上客服",
      unread: " 則未讀訊息", invite: "您好，有什麼可以幫您？", accept: "立即諮詢",
      dismiss: "關閉", chat: "諮詢"
    }
  };

  // ---- State -----------------------------------------------------------------------

  var cfg = Object.create(null); // merged zc("config") parameters; later calls win
  var started = false; // the page's DOM is there and the queue has been replayed
  var initialized = false; // false while `manual` waits for zc("frame_manual")
  var expanded = false;
  var ready = false; // the current chat document posted frame_ready
  var unread = 0;
  var dragged = null; // {left, top} once the visitor moved the PC window

  var root = null; // our one container in the host page
  var launcher = null;
  var badge = null;
  var panel = null;
  var bar = null;
  var frame = null;
  var vframe = null; // the hidden visitor frame (sdk/visitor.js), once needed
  var vframeReady = false;
  var vqueue = []; // what waits for the visitor frame to be ready
  var invite = null;
  var inviteTimer = 0;

  var readyCallbacks = [];
  var messageCallbacks = [];
  var offlineCallbacks = [];
  var offlineResult = null; // the visitor frame's answer, once it came
  var offlineAsked = false;
  var warned = Object.create(null);

  // ---- Small helpers ---------------------------------------------------------------

  function warnOnce(key, text) {
    if (!warned[key]) {
      warned[key] = true;
      console.warn("Parley: " + text);
    }
  }

  // The spec writes flags as true/false, 1/0 or their strings.
  function on(value) {
    return value === true || value === 1 || value === "1" || value === "true";
  }

  function el(tag, className) {
    var node = d.createElement(tag);
    if (className) {
      node.className = className;
    }
    return node;
  }

  // Styles go through the CSSOM (`setProperty`), which a browser parses as one value of
  // one property: no value can add another declaration or a rule.
  function css(node, styles) {
    Object.keys(styles).forEach(function (k) {
      node.style.setProperty(k, styles[k]);
    });
  }

  function labels() {
    var locale = String(cfg.locale || "").toLowerCase();
    if (locale === "tw" || locale.indexOf("zh-hant") === 0) {
      return LABELS["zh-Hant"];
    }
    if (locale === "cn" || locale.indexOf("zh") === 0) {
      return LABELS.zh;
    }
    return LABELS.en;
  }

  function color() {
    var c = String(cfg.color || DEFAULT_COLOR).replace(/^#/, "");
    return /^[0-9a-fA-F]{6}$/.test(c) ? c : DEFAULT_COLOR;
  }

  // Black or white, whichever has the higher WCAG contrast on the theme colour (the
  // chat page's own rule, src/components/theme.rs), so the icon is always readable.
  function textOn(hex) {
    var lum = [0, 2, 4]
      .map(function (i) {
        var c = parseInt(hex.substr(i, 2), 16) / 255;
        return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      })
      .reduce(function (sum, c, i) {
        return sum + c * [0.2126, 0.7152, 0.0722][i];
      }, 0);
    return 1.05 / (lum + 0.05) >= (lum + 0.05) / 0.05 ? "#ffffff" : "#000000";
  }

  // A width or height: a bare number is pixels; other units as the protocol accepts.
  function length(value, fallback) {
    var v = String(value === undefined || value === null ? "" : value).trim().toLowerCase();
    var m = /^(\d{1,6}(\.\d+)?)(px|%|vw|vh|em|rem)?$/.exec(v);
    return m ? m[1] + (m[3] || "px") : fallback;
  }

  // A "×" button (the window's close, the invitation's dismiss): the plain look both
  // share, then `styles`.
  function crossButton(className, label, styles) {
    var button = el("button", "parley-btn " + className);
    button.type = "button";
    button.setAttribute("aria-label", label);
    button.textContent = "\u00d7";
    css(button, {
      margin: "0", padding: "0", border: "0", background: "transparent", cursor: "pointer"
    });
    css(button, styles);
    return button;
  }

  function httpUrl(value) {
    try {
      var u = new URL(String(value), w.location.href);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) {
      return null;
    }
  }

  // Touch devices with a narrow viewport get the H5 page, everything else the PC page.
  function isH5() {
    var mm = w.matchMedia;
    if (!mm) {
      return false;
    }
    var narrow = mm("(max-width: 767px)").matches;
    var touch = mm("(pointer: coarse)").matches || (w.navigator.maxTouchPoints || 0) > 0;
    return narrow && touch;
  }

  // The chat page's address: sysnum first, then every link parameter of the merged
  // configuration, objects (goods, params, transfer_action given as objects) as JSON.
  function chatUrl(h5) {
    return ORIGIN + (h5 ? "/chat/h5/v2/index.html?" : "/chat/pc/v2/index.html?") + chatQuery();
  }

  function chatQuery() {
    var query = "sysnum=" + encodeURIComponent(SYSNUM);
    Object.keys(cfg).forEach(function (key) {
      var v = cfg[key];
      if (LOADER_ONLY[key] || v === undefined || v === null || typeof v === "function") {
        return;
      }
      var text = typeof v === "object" ? JSON.stringify(v) : String(v);
      query += "&" + encodeURIComponent(key) + "=" + encodeURIComponent(text);
    });
    return query;
  }

  // ---- The bridge to the chat page (its side is src/bridge.rs) -----------------------

  function post(action, fields) {
    if (!frame || !frame.contentWindow || !ready) {
      return;
    }
    var data = { action: action };
    Object.keys(fields || {}).forEach(function (k) {
      data[k] = fields[k];
    });
    // The exact origin: if the frame was navigated elsewhere, the browser drops it.
    frame.contentWindow.postMessage(JSON.stringify({ name: ENVELOPE, data: data }), ORIGIN);
  }

  function sendStatus() {
    post("frame_status", { status: expanded ? "expand" : "collapse" });
  }

  function call(fn, value) {
    try {
      fn(value);
    } catch (e) {
      console.error(e);
    }
  }

  // The envelope's `data` of a message posted by one of our frames, or null.
  function envelopeData(event) {
    if (typeof event.data !== "string") {
      return null;
    }
    var message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return null;
    }
    if (!message || message.name !== ENVELOPE || !message.data || typeof message.data !== "object") {
      return null;
    }
    return message.data;
  }

  function onMessage(event) {
    if (event.origin !== ORIGIN) {
      return;
    }
    if (vframe && event.source === vframe.contentWindow) {
      onVisitorFrame(envelopeData(event));
      return;
    }
    // Only the chat document in our iframe, served by the Parley server, is heard; a
    // message from the host page itself, another frame or another origin is ignored.
    if (!frame || event.source !== frame.contentWindow) {
      return;
    }
    var data = envelopeData(event);
    if (!data) {
      return;
    }
    if (data.action === "frame_ready") {
      ready = true;
      // The chat's own top bar has a collapse button: the loader's bar would be a second
      // one, so it goes (unless it is the handle for dragging).
      if (bar) {
        var own = data.close_button === 1 && !(on(cfg.dragging) && !isH5());
        bar.style.setProperty("display", own ? "none" : "flex");
      }
      // The chat starts as if expanded; tell it the truth, so it reports unread messages
      // while the window is collapsed.
      sendStatus();
      var waiting = readyCallbacks;
      readyCallbacks = [];
      waiting.forEach(function (fn) {
        call(fn);
      });
    } else if (data.action === "chat_collapse_window") {
      collapse();
    } else if (data.action === "chat_end") {
      // end_of_close (PC components, on by default): the window closes after the chat
      // ends. A short pause first, so the visitor sees the "ended" notice appear.
      if (!isH5() && cfg.end_of_close !== false && String(cfg.end_of_close) !== "false") {
        setTimeout(collapse, END_CLOSE_DELAY_MS);
      }
    } else if (data.action === "receive_message") {
      var detail = {
        img: String(data.img || ""),
        name: String(data.name || ""),
        msg: String(data.msg || ""),
        t: typeof data.t === "number" ? data.t : Number(data.t) || 0
      };
      if (!expanded) {
        unread += 1;
        renderLauncher();
      }
      messageCallbacks.forEach(function (fn) {
        call(fn, detail);
      });
      // The spec: "zhichiReceive can also be monitored".
      w.dispatchEvent(new CustomEvent("zhichiReceive", { detail: detail }));
    }
  }

  // ---- The visitor frame: offline messages, browsing tracks, agents' invitations -----

  // The visitor's identity lives at the Parley origin (the id the chat page kept, or the
  // link's partnerid), which this page cannot read. So a hidden frame there,
  // sdk/visitor.js, asks the server for us. It is opened only when the page needs it
  // (an offline_message_count callback, man_trace, zc("trace") or invite_flag) and then
  // stays.
  function openVisitorFrame() {
    if (vframe || !started) {
      return;
    }
    vframe = el("iframe");
    vframe.setAttribute("aria-hidden", "true");
    vframe.setAttribute("tabindex", "-1");
    css(vframe, {
      position: "absolute", width: "0", height: "0", border: "0",
      visibility: "hidden", "pointer-events": "none"
    });
    vframe.src = ORIGIN + "/chat/frame/v2/visitor.html?" + chatQuery();
    ensureRoot();
    root.appendChild(vframe);
  }

  function toVisitorFrame(data) {
    if (vframeReady && vframe.contentWindow) {
      vframe.contentWindow.postMessage(JSON.stringify({ name: ENVELOPE, data: data }), ORIGIN);
    } else {
      vqueue.push(data);
      openVisitorFrame();
    }
  }

  function onVisitorFrame(data) {
    if (!data) {
      return;
    }
    if (data.action === "visitor_frame_ready") {
      vframeReady = true;
      var waiting = vqueue;
      vqueue = [];
      waiting.forEach(toVisitorFrame);
    } else if (data.action === "offline_message_count") {
      onOfflineAnswer(data);
    } else if (data.action === "trace" && data.error) {
      warnOnce("trace-error", "a browsing track was not recorded: " + String(data.error));
    } else if (data.action === "invitation") {
      showInvite(data);
    } else if (data.action === "watch_invitations" && data.error) {
      warnOnce("invite-error", "agents' invitations are not available: " + String(data.error));
    }
  }

  function notes(list) {
    return (Array.isArray(list) ? list : []).map(function (n) {
      n = n && typeof n === "object" ? n : {};
      return {
        img: String(n.img || ""),
        name: String(n.name || ""),
        msg: String(n.msg || ""),
        t: typeof n.t === "number" ? n.t : Number(n.t) || 0
      };
    });
  }

  function onOfflineAnswer(data) {
    var r = data.result;
    if (!r || typeof r !== "object") {
      warnOnce("offline", "offline messages could not be fetched: " + String(data.error || "no answer"));
      return;
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
    if (!expanded && offlineMsg.length + unAckMsg.length > 0) {
      unread += offlineMsg.length + unAckMsg.length;
      renderLauncher();
    }
    offlineCallbacks.forEach(function (fn) {
      call(fn, offlineResult);
    });
  }

  // The string fields of a track object; nested objects and functions are dropped.
  function strings(o) {
    var out = {};
    if (o && typeof o === "object") {
      Object.keys(o).forEach(function (k) {
        var v = o[k];
        if (v !== undefined && v !== null && typeof v !== "object" && typeof v !== "function") {
          out[k] = String(v);
        }
      });
    }
    return out;
  }

  // One page's track entry for the server: the flat `cur_*` / `pre_*` parameters of
  // zc("config"), then its `cur_visit_args` / `pre_visit_args`, then `given` (the
  // argument of zc("trace")), later ones winning; this page's address and title and the
  // referrer fill what none of them says (the spec's automatic collection).
  function traceEntry(given) {
    given = given && typeof given === "object" ? given : {};
    function side(prefix) {
      var flat = {};
      Object.keys(cfg).forEach(function (k) {
        if (k.indexOf(prefix + "_") === 0 && k !== prefix + "_visit_args") {
          flat[k] = cfg[k];
        }
      });
      var out = strings(flat);
      [cfg[prefix + "_visit_args"], given[prefix + "_visit_args"]].forEach(function (o) {
        var more = strings(o);
        Object.keys(more).forEach(function (k) {
          out[k] = more[k];
        });
      });
      return out;
    }
    var cur = side("cur");
    if (!cur.cur_visit_url) {
      cur.cur_visit_url = w.location.href;
    }
    if (!cur.cur_visit_title) {
      cur.cur_visit_title = d.title;
    }
    var pre = side("pre");
    if (!pre.pre_visit_url && d.referrer) {
      pre.pre_visit_url = d.referrer;
    }
    return { action: "trace", cur_visit_args: cur, pre_visit_args: pre };
  }

  // ---- The launcher ----------------------------------------------------------------

  function chatIcon() {
    var ns = "http://www.w3.org/2000/svg";
    var svg = d.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "28");
    svg.setAttribute("height", "28");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = d.createElementNS(ns, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute(
      "d",
      "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2zm3 6.5a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"
    );
    svg.appendChild(path);
    return svg;
  }

  function side() {
    return String(cfg.location) === "2" ? "left" : "right";
  }

  function ensureRoot() {
    if (root) {
      return;
    }
    // A few rules only a style sheet can express (focus ring, animation). The sheet is
    // a constant; everything that depends on the configuration is set per element.
    var sheet = el("style");
    sheet.textContent =
      ".parley-btn:focus-visible{outline:3px solid #111!important;outline-offset:2px!important;box-shadow:0 0 0 5px #fff!important}" +
      ".parley-launcher:hover{filter:brightness(1.08)}" +
      "@keyframes parley-pulse{0%,100%{transform:scale(1)}50%{transform:scale(1.06)}}" +
      ".parley-gif{animation:parley-pulse 2s ease-in-out infinite}" +
      "@media (prefers-reduced-motion:reduce){.parley-gif{animation:none}}";
    (d.head || d.documentElement).appendChild(sheet);
    root = el("div", "parley-root");
    d.body.appendChild(root);
    // Escape from the launcher, the window's bar or the invitation closes the chat (or
    // the invitation).
    root.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && invite) {
        hideInvite();
      }
      if (e.key === "Escape" && expanded) {
        collapse();
        if (launcher && launcher.style.display !== "none") {
          launcher.focus();
        }
      }
    });
  }

  function renderLauncher() {
    var show = started && initialized && !on(cfg.custom);
    if (!show) {
      if (launcher) {
        launcher.style.display = "none";
      }
      return;
    }
    ensureRoot();
    var t = labels();
    if (!launcher) {
      launcher = el("button", "parley-btn parley-launcher");
      launcher.type = "button";
      launcher.appendChild(chatIcon());
      badge = el("span", "parley-badge");
      badge.setAttribute("aria-hidden", "true");
      css(badge, {
        position: "absolute", top: "-4px", right: "-4px", "min-width": "20px",
        height: "20px", padding: "0 6px", "border-radius": "10px",
        background: "#d93025", color: "#fff", font: "bold 12px/20px system-ui,sans-serif",
        "text-align": "center", "box-sizing": "border-box", border: "2px solid #fff"
      });
      launcher.appendChild(badge);
      launcher.addEventListener("click", function () {
        if (expanded) {
          collapse();
        } else {
          expand(true);
        }
      });
      root.appendChild(launcher);
    }
    var bg = color();
    var gif = on(cfg.gif);
    css(launcher, {
      position: "fixed", bottom: "20px", left: "auto", right: "auto", "z-index": Z,
      display: isH5() && expanded ? "none" : "inline-flex", "align-items": "center",
      "justify-content": "center", gap: "8px", margin: "0", padding: gif ? "0 20px" : "0",
      width: gif ? "auto" : "56px", height: "56px", "border-radius": "28px",
      border: "0", cursor: "pointer", background: "#" + bg, color: textOn(bg),
      "box-shadow": "0 4px 14px rgba(0,0,0,.25)", font: "600 16px/1 system-ui,sans-serif"
    });
    launcher.style.setProperty(side(), "20px");
    launcher.classList.toggle("parley-gif", gif);
    // The pill look (`gif`) carries a visible label next to the icon.
    var text = launcher.querySelector(".parley-label");
    if (gif && !text) {
      text = el("span", "parley-label");
      launcher.insertBefore(text, badge);
    }
    if (text) {
      text.textContent = gif ? t.chat : "";
    }
    var label = expanded ? t.close : t.open;
    if (unread > 0) {
      label += " (" + unread + t.unread + ")";
    }
    launcher.setAttribute("aria-label", label);
    launcher.setAttribute("aria-expanded", expanded ? "true" : "false");
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.style.display = unread > 0 ? "block" : "none";
  }

  // ---- The chat window -------------------------------------------------------------

  function ensureFrame() {
    if (frame) {
      return false;
    }
    ensureRoot();
    var t = labels();
    panel = el("div", "parley-panel");
    panel.setAttribute("role", "region");
    panel.setAttribute("aria-label", t.frame);
    bar = el("div", "parley-bar");
    var close = crossButton("parley-close", t.close, {
      width: "32px", height: "28px", color: "#333",
      font: "22px/28px system-ui,sans-serif", "border-radius": "6px"
    });
    close.addEventListener("click", function () {
      collapse();
      if (launcher && launcher.style.display !== "none") {
        launcher.focus();
      }
    });
    bar.appendChild(close);
    css(bar, {
      display: "flex", "justify-content": "flex-end", "align-items": "center",
      height: "32px", padding: "0 4px", background: "#f4f5f7",
      "border-bottom": "1px solid #e3e5e8", "flex": "0 0 auto", "box-sizing": "border-box"
    });
    frame = el("iframe", "parley-frame");
    frame.title = t.frame;
    frame.setAttribute("allow", "clipboard-write");
    css(frame, {
      flex: "1 1 auto", width: "100%", "min-height": "0", border: "0", margin: "0",
      display: "block", background: "#fff"
    });
    // The address is set before the frame is in the document, so the frame loads the
    // chat directly and never an about:blank first.
    frame.src = chatUrl(isH5());
    panel.appendChild(bar);
    panel.appendChild(frame);
    panel.style.setProperty("display", "none");
    root.appendChild(panel);
    enableDragging();
    return true;
  }

  // Size and place the window: PC a floating window beside the launcher, H5 the whole
  // screen or (expand_size "half") a bottom sheet of half the viewport's height.
  function layout() {
    var h5 = isH5();
    var base = {
      position: "fixed", "z-index": Z, display: expanded ? "flex" : "none",
      "flex-direction": "column", overflow: "hidden", background: "#fff",
      "box-sizing": "border-box", top: "auto", right: "auto", bottom: "auto", left: "auto",
      margin: "0", border: "0", opacity: "1"
    };
    if (h5) {
      var half = String(cfg.expand_size) === "half";
      css(panel, base);
      css(panel, {
        left: "0", bottom: "0", width: "100%", height: half ? "50%" : "100%",
        "max-width": "none", "max-height": "none",
        "border-radius": half ? "12px 12px 0 0" : "0",
        "box-shadow": half ? "0 -4px 20px rgba(0,0,0,.25)" : "none"
      });
      return;
    }
    var gap = on(cfg.custom) ? "20px" : "90px";
    css(panel, base);
    css(panel, {
      width: length(cfg.width, "380px"), height: length(cfg.height, "600px"),
      "max-width": "calc(100vw - 40px)", "max-height": "calc(100vh - " + gap + " - 20px)",
      "border-radius": "12px", "box-shadow": "0 8px 30px rgba(0,0,0,.25)"
    });
    if (dragged) {
      css(panel, { left: dragged.left + "px", top: dragged.top + "px" });
    } else {
      panel.style.setProperty("bottom", gap);
      panel.style.setProperty(side(), "20px");
    }
    applyContainerStyle();
  }

  // container_style, as "prop: value; …" text or an object, through the allow-list.
  function applyContainerStyle() {
    var given = cfg.container_style;
    var pairs = [];
    if (given && typeof given === "object") {
      pairs = Object.keys(given).map(function (k) {
        return [k, given[k]];
      });
    } else if (typeof given === "string") {
      pairs = given.split(";").map(function (decl) {
        var i = decl.indexOf(":");
        return i < 0 ? ["", ""] : [decl.slice(0, i), decl.slice(i + 1)];
      });
    }
    pairs.forEach(function (p) {
      var prop = String(p[0]).trim().toLowerCase().replace(/[A-Z]/g, "-$&");
      var value = String(p[1]).trim();
      if (!STYLE_ALLOWED.test(prop) || /url\(|expression|[\\<>{}@]/i.test(value)) {
        return;
      }
      panel.style.setProperty(prop, value);
    });
  }

  // dragging: the PC window moves by its bar. The pointer is captured, so the iframe
  // under the pointer does not swallow the moves.
  function enableDragging() {
    bar.addEventListener("pointerdown", function (e) {
      if (!on(cfg.dragging) || isH5() || e.button !== 0 || e.target !== bar) {
        return;
      }
      var box = panel.getBoundingClientRect();
      var dx = e.clientX - box.left;
      var dy = e.clientY - box.top;
      try {
        bar.setPointerCapture(e.pointerId);
      } catch (err) {
        // A pointer the browser does not track (a synthetic event): moves still arrive
        // while the pointer stays over the bar.
      }
      function move(ev) {
        var left = Math.min(Math.max(0, ev.clientX - dx), w.innerWidth - box.width);
        var top = Math.min(Math.max(0, ev.clientY - dy), w.innerHeight - box.height);
        dragged = { left: Math.max(0, left), top: Math.max(0, top) };
        layout();
      }
      function up() {
        bar.removeEventListener("pointermove", move);
        bar.removeEventListener("pointerup", up);
        bar.removeEventListener("pointercancel", up);
      }
      bar.addEventListener("pointermove", move);
      bar.addEventListener("pointerup", up);
      bar.addEventListener("pointercancel", up);
    });
  }

  function expand(focus) {
    if (!initialized) {
      return;
    }
    hideInvite();
    if (on(cfg.anchor)) {
      // A new window or tab instead of the floating window. `noopener`: the chat page
      // gets no handle on this page.
      w.open(chatUrl(isH5()), "_blank", "noopener");
      unread = 0;
      renderLauncher();
      return;
    }
    if (expanded) {
      return;
    }
    var created = ensureFrame();
    if (!created && (on(cfg.refresh) || on(cfg.reload))) {
      // A fresh page load on every re-expand (refresh / reload). Setting src always
      // navigates, even to the same address; the new document posts frame_ready again.
      ready = false;
      frame.src = chatUrl(isH5());
    }
    expanded = true;
    unread = 0;
    layout();
    renderLauncher();
    sendStatus();
    if (focus) {
      frame.focus();
    }
  }

  function collapse() {
    if (!expanded) {
      return;
    }
    var hadFocus = panel.contains(d.activeElement);
    expanded = false;
    layout();
    renderLauncher();
    sendStatus();
    if (hadFocus && launcher && launcher.style.display !== "none") {
      launcher.focus();
    }
  }

  // ---- Invitations (invite, tip_title, submit_title, first/over_timeout, invite_count)

  function inviteKey() {
    return "parley-invite:" + SYSNUM;
  }

  function today() {
    var n = new Date();
    return n.getFullYear() + "-" + (n.getMonth() + 1) + "-" + n.getDate();
  }

  // How many invitations were shown today, kept in local storage (if the page may use it).
  function invitesToday() {
    try {
      var saved = JSON.parse(w.localStorage.getItem(inviteKey()) || "null");
      return saved && saved.day === today() ? Number(saved.n) || 0 : 0;
    } catch (e) {
      return 0;
    }
  }

  function countInvite() {
    try {
      w.localStorage.setItem(inviteKey(), JSON.stringify({ day: today(), n: invitesToday() + 1 }));
    } catch (e) {
      // Storage refused (private mode, blocked): the limit then holds per page view.
    }
  }

  function scheduleInvite(seconds) {
    clearTimeout(inviteTimer);
    inviteTimer = setTimeout(showInvite, Math.max(0, Number(seconds) || 0) * 1000);
  }

  // The invitation dialog: the automatic one (`invite`), or, given `byAgent` (the
  // visitor frame's `invitation`), an agent's, which is not counted against
  // invite_count, replaces an automatic one, names the agent, and opens the chat with
  // that agent (`agentid`) when accepted.
  function showInvite(byAgent) {
    byAgent = byAgent && typeof byAgent === "object" && byAgent.action ? byAgent : null;
    if (expanded) {
      return;
    }
    if (byAgent) {
      hideInvite();
    } else {
      var limit = cfg.invite_count;
      var capped = limit !== undefined && limit !== null && limit !== "";
      if (invite || (capped && invitesToday() >= Number(limit))) {
        return;
      }
      countInvite();
    }
    ensureRoot();
    var t = labels();
    invite = el("div", "parley-invite");
    invite.setAttribute("role", "dialog");
    invite.setAttribute("aria-live", "polite");
    var text = byAgent && byAgent.text
      ? String(byAgent.text)
      : cfg.tip_title ? String(cfg.tip_title) : t.invite;
    invite.setAttribute("aria-label", text);
    css(invite, {
      position: "fixed", bottom: on(cfg.custom) ? "20px" : "90px", "z-index": Z,
      width: "280px", "max-width": "calc(100vw - 40px)", padding: "16px",
      "box-sizing": "border-box", background: "#fff", color: "#1a1a1a",
      "border-radius": "12px", "box-shadow": "0 8px 30px rgba(0,0,0,.25)",
      font: "15px/1.4 system-ui,sans-serif"
    });
    invite.style.setProperty(side(), "20px");
    var img = httpUrl(cfg.invite_imgsrc || "");
    if (img) {
      var logo = el("img");
      logo.alt = "";
      logo.src = img;
      logo.referrerPolicy = "no-referrer";
      css(logo, { display: "block", "max-width": "64px", "max-height": "64px", "margin-bottom": "8px" });
      invite.appendChild(logo);
    }
    if (byAgent && byAgent.agent_name) {
      var who = el("p", "parley-invite-agent");
      who.textContent = String(byAgent.agent_name);
      css(who, { margin: "0 24px 4px 0", "font-weight": "600" });
      invite.appendChild(who);
    }
    var p = el("p");
    p.textContent = text;
    css(p, { margin: "0 24px 12px 0" });
    invite.appendChild(p);
    var bg = color();
    var accept = el("button", "parley-btn parley-accept");
    accept.type = "button";
    accept.textContent = cfg.submit_title ? String(cfg.submit_title) : t.accept;
    css(accept, {
      margin: "0", padding: "8px 16px", border: "0", "border-radius": "18px",
      background: "#" + bg, color: textOn(bg), font: "600 15px/1.2 system-ui,sans-serif",
      cursor: "pointer"
    });
    accept.addEventListener("click", function () {
      // The chat goes to the inviting agent (straight to a human unless the site set
      // its own reception type), when it is not loaded yet.
      if (byAgent && byAgent.agent_id && !frame) {
        cfg.agentid = String(byAgent.agent_id);
        if (cfg.type === undefined || cfg.type === null || cfg.type === "") {
          cfg.type = 2;
        }
      }
      expand(true);
    });
    var dismiss = crossButton("parley-dismiss", t.dismiss, {
      position: "absolute", top: "6px", right: "6px", width: "28px", height: "28px",
      color: "#555", font: "20px/28px system-ui,sans-serif"
    });
    dismiss.addEventListener("click", function () {
      hideInvite();
      // Invited again after over_timeout seconds, within the day's count.
      if (!byAgent && on(cfg.invite) && Number(cfg.over_timeout) > 0) {
        scheduleInvite(cfg.over_timeout);
      }
    });
    invite.appendChild(accept);
    invite.appendChild(dismiss);
    root.appendChild(invite);
  }

  function hideInvite() {
    if (invite) {
      invite.remove();
      invite = null;
    }
  }

  // ---- Start -----------------------------------------------------------------------

  // Called once the queue is replayed and the body exists, and again by frame_manual.
  function initialize() {
    if (initialized) {
      return;
    }
    initialized = true;
    renderLauncher();
    if (on(cfg.invite)) {
      scheduleInvite(cfg.first_timeout);
    }
    // A window cannot be opened without a click, so auto_expand needs the frame.
    if (on(cfg.auto_expand) && !on(cfg.anchor)) {
      expand(false);
    } else if (on(cfg.async) && !on(cfg.anchor)) {
      // async: the chat loads with the page, hidden, so it opens at once and reports
      // agents' messages (receive_message, the badge) before the visitor ever opens it.
      ensureFrame();
    }
  }

  function start() {
    started = true;
    // custom: the site's own buttons (the script tag's class) open the chat. One
    // listener on the document also covers buttons added later (dynamic_ready).
    d.addEventListener(
      "click",
      function (e) {
        var target = e.target && e.target.closest ? e.target : e.target && e.target.parentElement;
        if (initialized && on(cfg.custom) && target && target.closest(customSelector)) {
          expand(true);
        }
      },
      true
    );
    if (!on(cfg.manual)) {
      initialize();
    }
    // man_trace: this page view is one entry of the visitor's browsing track.
    if (on(cfg.man_trace)) {
      toVisitorFrame(traceEntry(null));
    }
    // invite_flag: agents may see this visitor on this page and invite them.
    if (on(cfg.invite_flag)) {
      toVisitorFrame({ action: "watch_invitations", cur_visit_args: traceEntry(null).cur_visit_args });
    }
    if (vqueue.length > 0) {
      openVisitorFrame();
    }
  }

  // ---- Commands --------------------------------------------------------------------

  var COMMANDS = {
    config: function (params) {
      if (!params || typeof params !== "object") {
        warnOnce("config-arg", 'zc("config", …) expects an object.');
        return;
      }
      Object.keys(params).forEach(function (k) {
        if (k !== "__proto__") {
          cfg[k] = params[k];
        }
      });
      if (started) {
        renderLauncher();
        if (frame) {
          layout();
        }
      }
    },
    frame_manual: function (callback) {
      if (started) {
        initialize();
      } else {
        cfg.manual = false;
      }
      if (typeof callback === "function") {
        call(callback, "success");
      }
    },
    // Buttons added later are covered by the delegated click listener; kept so the
    // spec's call is not an unknown command.
    dynamic_ready: function () {},
    frame_ready: function (callback) {
      if (typeof callback !== "function") {
        return;
      }
      if (ready) {
        call(callback);
      } else {
        readyCallbacks.push(callback);
      }
    },
    frame_status: function (callback) {
      if (typeof callback === "function") {
        call(callback, expanded ? "expand" : "collapse");
      }
    },
    receive_message: function (callback) {
      if (typeof callback === "function") {
        messageCallbacks.push(callback);
      }
    },
    offline_message_count: function (callback) {
      if (typeof callback !== "function") {
        return;
      }
      offlineCallbacks.push(callback);
      if (offlineResult) {
        call(callback, offlineResult);
      } else if (!offlineAsked) {
        offlineAsked = true;
        toVisitorFrame({ action: "offline_message_count" });
      }
    },
    // A browsing track entry now (a single-page site's "page" changed), whether or not
    // man_trace collects one per page load.
    trace: function (args) {
      toVisitorFrame(traceEntry(args));
    },
    expand: function () {
      expand(false);
    },
    collapse: function () {
      collapse();
    }
  };

  function run(args) {
    var name = args[0];
    var command = typeof name === "string" && Object.prototype.hasOwnProperty.call(COMMANDS, name)
      ? COMMANDS[name]
      : null;
    if (!command) {
      warnOnce("unknown:" + String(name), 'unknown command zc("' + String(name) + '").');
      return;
    }
    try {
      command(args[1]);
    } catch (e) {
      console.error(e);
    }
  }

  w.addEventListener("message", onMessage);

  // Replay what the access code queued, in order, then run commands at once.
  var queued = Array.isArray(w.cbk) ? w.cbk.slice() : [];
  if (Array.isArray(w.cbk)) {
    w.cbk.length = 0;
  }
  queued.forEach(function (args) {
    run(args || []);
  });
  var zc = function () {
    run(arguments);
  };
  Object.defineProperty(zc, "parley", { value: true });
  w.zc = zc;

  if (d.body) {
    start();
  } else {
    d.addEventListener("DOMContentLoaded", start);
  }
})();
