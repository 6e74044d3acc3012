/*
 * Parley's host-page loader: the Sobot Web-JS SDK's entrance.js (the first script a page
 * loads; its lazy parts are entrance-invite.js, entrance-panel.js, entrance-visitor.js).
 *
 * A site pastes the spec's access code, which defines `window.zc` as a queue (every call
 * pushes its `arguments` onto `window.cbk`) and loads this file with the id
 * "zhichiScript" and `?sysnum=…`. This file replays that queue in order, then replaces
 * `window.zc` with a function that runs commands at once. It asks the server for the
 * tenant's public loader settings (GET /api/loader/settings: backend values, whether this
 * page's origin may embed the chat, the labels in the page's language); only when the
 * origin is allowed does it show a launcher, which opens the chat page in one floating
 * iframe (or a new window with `anchor`). Values apply as zc("config") > backend >
 * DEFAULTS below.
 *
 * Rules kept here (see ARCHITECTURE.md):
 * - Everything lives in this closure; the only global written is `window.zc`. Lazy parts
 *   reach the closure through their own script element (`part` below), not a global.
 * - No configuration, visitor or agent text is ever parsed as HTML: the DOM is built
 *   with createElement and textContent, and links open only for http and https.
 * - Messages from the chat are accepted only from the iframe's own window at the Parley
 *   server's origin, and messages to the chat are posted to that origin, never to "*".
 *
 * Plain ES2017. `cargo xtask build-client` minifies it (esbuild) into dist/sdk/ and puts
 * the lazy parts' hashed names into PARTS; unbuilt, it loads them by these names.
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

  // The lazy parts are /chat/frame/v2/entrance-<name><BUILD>.js: window, invite, panel,
  // visitor. The build sets BUILD to "." and a hash of all of them, so each version has
  // names of its own that browsers may keep for a year.
  var BUILD = "";
  // The built-in defaults, last in the precedence (zc > backend > these).
  var DEFAULTS = { color: "04babc", location: 1, end_of_close: true };
  var Z = "2147483000";

  // Where this script came from: the Parley server's origin and the tenant's sysnum.
  // `currentScript` is null with some loaders, so the access code's id is the fallback.
  var script = d.currentScript || d.getElementById("zhichiScript");
  var source;
  try {
    source = new URL(script.src, w.location.href);
  } catch (e) {
    console.error("Parley: no script tag #zhichiScript");
    return;
  }
  var ORIGIN = source.origin;
  var SYSNUM = source.searchParams.get("sysnum") || source.searchParams.get("sysNum") || "";
  // The access code's `x.className` names the class of the site's own chat buttons.
  var classes = (script.className || "").split(/\s+/).filter(Boolean);
  var customSelector = (classes.length ? classes : ["zhiCustomBtn"])
    .map(function (c) {
      return "." + CSS.escape(c);
    })
    .join(",");

  // Parameters the loader itself uses ("Component" rows of the spec's parameter list,
  // plus the browsing-track fields, which go to the visitor frame): they are not put in
  // the chat page's URL. Everything else given to zc("config") is.
  var LOADER_ONLY = /^(sysnum|sysNum|anchor|async|manual|custom|location|invite(_flag|_count|_imgsrc)?|tip_title|submit_title|first_timeout|over_timeout|container_style|width|height|expand_size|gif|auto_expand|end_of_close|dragging|refresh|man_trace|(pre|cur)_.*)$/;

  // ---- State -----------------------------------------------------------------------

  var cfg = Object.create(null); // merged zc("config") parameters; later calls win
  var settings = null; // the server's answer: {allowed, origin, locale, labels, backend}
  var asked = null; // the locale the labels were asked in
  // 0: waiting for the queue, the DOM and the settings; 1: running; -1: refused (an
  // unknown tenant, an origin not allowed, the server unreachable).
  var phase = 0;
  var later = []; // what waits for phase 1
  var domReady = false;
  var touched = false; // the chat was opened or folded: start-time flags are settled
  var initialized = false; // false while `manual` waits for zc("frame_manual")
  var released = false; // zc("frame_manual") was called
  // Shared with entrance-window.js: whether the window is open, the chat's iframe, and
  // whether the chat document in it posted frame_ready.
  var st = { expanded: false, frame: null, chatReady: false };
  var readyFired = false; // the page's frame_ready callbacks ran
  var done = {}; // one-time start actions taken (invite, man_trace, invite_flag)
  var unread = 0;

  var root = null; // our one container in the host page
  var launcher = null;
  var badge = null;
  var parts = {};
  // What the lazy parts plug in: chat (window), message (visitor frame), layout (panel),
  // hide (invite).
  var hooks = {};

  var readyCallbacks = [];
  var messageCallbacks = [];
  var warned = {};

  // ---- Small helpers ---------------------------------------------------------------

  function warnOnce(key, text) {
    if (!warned[key]) {
      warned[key] = 1;
      console.warn("Parley: " + text);
    }
  }

  // The value of a parameter: the page's zc("config"), else the tenant's backend
  // setting, else the built-in default.
  function get(key) {
    var b = settings && settings.backend;
    return cfg[key] != null ? cfg[key] : b && b[key] != null ? b[key] : DEFAULTS[key];
  }

  // The spec writes flags as true/false, 1/0 or their strings.
  function flag(v) {
    return v === true || v === 1 || v === "1" || v === "true";
  }

  function on(key) {
    return flag(get(key));
  }

  function el(tag, className) {
    var node = d.createElement(tag);
    if (className) {
      node.className = className;
    }
    return node;
  }

  // Styles go through the CSSOM, which parses each value as one value of one property:
  // no value can add another declaration or a rule.
  function css(node, styles) {
    Object.keys(styles).forEach(function (k) {
      node.style.setProperty(k, styles[k]);
    });
  }

  // A label of the loader in the page's language (the server's locales/*/loader.ftl).
  function t(key) {
    return String(settings.labels[key] || key);
  }

  function color() {
    var c = String(get("color")).replace(/^#/, "");
    return /^[0-9a-fA-F]{6}$/.test(c) ? c : DEFAULTS.color;
  }

  // Black or white, whichever has the higher WCAG contrast on the theme colour (the
  // chat page's own rule, src/components/theme.rs), so the icon is always readable.
  // White wins exactly when the relative luminance is at most 0.1791 (where
  // 1.05 / (L + 0.05) = (L + 0.05) / 0.05).
  function textOn(hex) {
    var lum = [0, 2, 4].reduce(function (sum, i, n) {
      var c = parseInt(hex.substr(i, 2), 16) / 255;
      c = c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
      return sum + c * [0.2126, 0.7152, 0.0722][n];
    }, 0);
    return lum <= 0.17913 ? "#fff" : "#000";
  }

  function side() {
    return String(get("location")) === "2" ? "left" : "right";
  }

  function call(fn, value) {
    try {
      fn(value);
    } catch (e) {
      console.error(e);
    }
  }

  // Runs `fn` once the loader runs (now if it does); never if it was refused.
  function whenRunning(fn) {
    if (phase > 0) {
      fn();
    } else if (!phase) {
      later.push(fn);
    }
  }

  // Touch devices with a narrow viewport get the H5 page, everything else the PC page.
  function isH5() {
    var mm = w.matchMedia;
    return (
      mm("(max-width: 767px)").matches &&
      (mm("(pointer: coarse)").matches || w.navigator.maxTouchPoints > 0)
    );
  }

  // The chat page's query: sysnum first, then every link parameter of the merged
  // configuration, objects (goods, params, transfer_action given as objects) as JSON.
  function chatQuery() {
    var query = "sysnum=" + encodeURIComponent(SYSNUM);
    Object.keys(cfg).forEach(function (key) {
      var v = cfg[key];
      if (!LOADER_ONLY.test(key) && v != null && typeof v !== "function") {
        query +=
          "&" + encodeURIComponent(key) + "=" +
          encodeURIComponent(typeof v === "object" ? JSON.stringify(v) : String(v));
      }
    });
    return query;
  }

  function chatUrl() {
    return ORIGIN + "/chat/" + (isH5() ? "h5" : "pc") + "/v2/index.html?" + chatQuery();
  }

  // A message from the Parley origin in the spec's envelope goes to the parts that
  // listen (each checks it comes from its own frame's window) with its `data`.
  function onMessage(event) {
    var data;
    try {
      data = event.origin === ORIGIN && JSON.parse(event.data);
    } catch (e) {
      return;
    }
    if (data && data.name === "zc_post_message" && data.data && typeof data.data === "object") {
      [hooks.message, hooks.chat].some(function (hook) {
        return hook && hook(event.source, data.data);
      });
    }
  }

  // A lazy part: loaded once, on first use, from this script's origin. The part's code
  // calls `document.currentScript.parley(factory)`; the factory gets `api` and returns
  // the part's functions, which `fn` is then given.
  function part(name, fn) {
    var p = parts[name] || (parts[name] = { q: [] });
    if (p.m) {
      return call(fn, p.m);
    }
    p.q.push(fn);
    if (!p.s) {
      p.s = el("script");
      p.s.async = true;
      p.s.parley = function (factory) {
        p.m = factory(api);
        p.q.forEach(function (f) {
          call(f, p.m);
        });
        p.q = [];
      };
      p.s.onerror = function () {
        console.error("Parley: could not load " + p.s.src);
      };
      p.s.src = ORIGIN + "/chat/frame/v2/entrance-" + name + BUILD + ".js";
      d.head.appendChild(p.s);
    }
  }

  // frame_ready: once per page, when the chat can be opened (see ARCHITECTURE.md).
  function fireReady() {
    if (!readyFired && initialized && (st.chatReady || !(st.frame || st.wanted))) {
      readyFired = true;
      readyCallbacks.forEach(function (fn) {
        call(fn);
      });
      readyCallbacks = [];
    }
  }

  function addUnread(n) {
    unread += n;
    render();
  }

  // ---- The launcher and the site's own buttons ---------------------------------------

  function ensureRoot() {
    if (!root) {
      // The few rules only a style sheet can express (focus ring, animation); constant.
      var sheet = el("style");
      sheet.textContent =
        ".parley-btn:focus-visible{outline:3px solid #111!important;outline-offset:2px!important}" +
        "@keyframes parley-pulse{50%{transform:scale(1.06)}}" +
        ".parley-gif{animation:parley-pulse 2s infinite}" +
        "@media (prefers-reduced-motion:reduce){.parley-gif{animation:none}}";
      d.head.appendChild(sheet);
      root = el("div", "parley-root");
      d.body.appendChild(root);
      // Escape in the launcher, the window's bar or the invitation closes the chat (or
      // the invitation).
      root.addEventListener("keydown", function (e) {
        if (e.key === "Escape") {
          if (hooks.hide) {
            hooks.hide();
          }
          collapse();
        }
      });
    }
    return root;
  }

  function launcherShown() {
    return launcher && launcher.style.display !== "none";
  }

  // The site's own buttons (custom) carry the unread count: `data-unread` and the
  // class `parley-unread` while there is something unread.
  function markButtons() {
    [].forEach.call(d.querySelectorAll(customSelector), function (b) {
      if (b !== script) {
        if (unread > 0) {
          b.setAttribute("data-unread", String(unread));
        } else {
          b.removeAttribute("data-unread");
        }
        b.classList.toggle("parley-unread", unread > 0);
      }
    });
  }

  function render() {
    if (phase < 1) {
      return;
    }
    markButtons();
    if (!initialized || on("custom")) {
      if (launcher) {
        launcher.style.display = "none";
      }
      return;
    }
    if (!launcher) {
      launcher = el("button", "parley-btn parley-launcher");
      launcher.type = "button";
      var ns = "http://www.w3.org/2000/svg";
      var svg = d.createElementNS(ns, "svg");
      svg.setAttribute("viewBox", "0 0 24 24");
      svg.setAttribute("width", "28");
      svg.setAttribute("height", "28");
      svg.setAttribute("aria-hidden", "true");
      var path = d.createElementNS(ns, "path");
      path.setAttribute("fill", "currentColor");
      // A speech bubble.
      path.setAttribute("d", "M4 3h16a2 2 0 0 1 2 2v11a2 2 0 0 1-2 2H9l-5 4V5a2 2 0 0 1 0-2z");
      svg.appendChild(path);
      launcher.appendChild(svg);
      launcher.appendChild(el("span", "parley-label"));
      badge = el("span", "parley-badge");
      badge.setAttribute("aria-hidden", "true");
      badge.style.cssText =
        "position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 6px;" +
        "border-radius:10px;background:#d93025;color:#fff;font:bold 12px/20px system-ui,sans-serif;" +
        "text-align:center;box-sizing:border-box;border:2px solid #fff";
      launcher.appendChild(badge);
      // The window's code is fetched as soon as the visitor heads for the launcher.
      launcher.addEventListener("pointerenter", prefetch);
      launcher.addEventListener("focus", prefetch);
      launcher.addEventListener("click", function () {
        if (st.expanded) {
          collapse();
        } else {
          expand(true);
        }
      });
      ensureRoot().appendChild(launcher);
    }
    // The pill look (`gif`, or the tenant's launcher text) carries a visible label.
    var text = (settings.backend && settings.backend.launcher_text) || (on("gif") ? t("chat") : "");
    var bg = color();
    launcher.style.cssText =
      "position:fixed;bottom:20px;z-index:" + Z + ";align-items:center;justify-content:center;" +
      "gap:8px;margin:0;height:56px;border-radius:28px;border:0;cursor:pointer;" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25);font:600 16px/1 system-ui,sans-serif";
    css(launcher, {
      display: isH5() && st.expanded ? "none" : "inline-flex",
      padding: text ? "0 20px" : "0",
      width: text ? "auto" : "56px",
      background: "#" + bg,
      color: textOn(bg)
    });
    launcher.style.setProperty(side(), "20px");
    launcher.classList.toggle("parley-gif", on("gif"));
    launcher.children[1].textContent = text;
    launcher.setAttribute(
      "aria-label",
      st.expanded ? t("close") : unread > 0 ? t("open-unread").replace("{ $count }", unread) : t("open")
    );
    launcher.setAttribute("aria-expanded", String(st.expanded));
    badge.textContent = unread > 99 ? "99+" : String(unread);
    badge.style.display = unread > 0 ? "block" : "none";
  }

  // ---- The chat window (entrance-window.js) ----------------------------------------

  function prefetch() {
    part("window", function () {});
  }

  // The window's part, once the loader runs (fn gets it).
  function win(fn) {
    part("window", fn);
  }

  function relayout() {
    if (st.frame) {
      win(function (v) {
        v.layout();
      });
    }
  }

  function expand(focus) {
    if (!initialized) {
      return;
    }
    touched = true;
    if (hooks.hide) {
      hooks.hide();
    }
    unread = 0;
    if (on("anchor")) {
      // A new window or tab instead of the floating window. `noopener`: the chat page
      // gets no handle on this page.
      w.open(chatUrl(), "_blank", "noopener");
    } else {
      win(function (v) {
        v.expand(focus);
        render();
      });
    }
    render();
  }

  function collapse() {
    if (st.expanded) {
      win(function (v) {
        v.collapse();
      });
    }
  }

  // After any fold: the launcher shows again and takes the focus the window had.
  function collapsed(hadFocus) {
    touched = true;
    render();
    if ((hadFocus || root.contains(d.activeElement)) && launcherShown()) {
      launcher.focus();
    }
  }

  // ---- Start -----------------------------------------------------------------------

  // Applies the start-time flags. Called when the loader starts and after every
  // zc("config") or zc("frame_manual"): until the chat was first opened or folded, a
  // later call still counts (a `manual` after the launcher appeared hides it again).
  function apply() {
    if (phase < 1) {
      return;
    }
    if (!touched) {
      var was = initialized;
      initialized = !on("manual") || released;
      if (was && !initialized) {
        // A later `manual`: back to waiting for frame_manual.
        if (hooks.hide) {
          hooks.hide(true);
        }
        done.invite = 0;
      }
    }
    render();
    // man_trace: this page view is one entry of the visitor's browsing track;
    // invite_flag: agents may see this visitor on this page and invite them.
    ["man_trace", "invite_flag"].forEach(function (k) {
      if (on(k) && !done[k]) {
        done[k] = 1;
        part("visitor", function (v) {
          v[k]();
        });
      }
    });
    if (get("container_style") || on("dragging")) {
      part("panel", relayout);
    }
    if (!initialized) {
      return;
    }
    if (!touched) {
      if (on("invite") && !done.invite) {
        done.invite = 1;
        part("invite", function (v) {
          v.schedule(get("first_timeout"));
        });
      }
      // A window cannot be opened without a click, so auto_expand needs the frame.
      if (!on("anchor") && (on("auto_expand") || on("async"))) {
        st.wanted = true;
        if (on("auto_expand")) {
          expand(false);
        } else if (on("async")) {
          // async: the chat loads with the page, hidden, so it opens at once and
          // reports agents' messages (receive_message, the badge) before any open.
          win(function (v) {
            v.frame();
            fireReady();
          });
        }
      }
    }
    fireReady();
  }

  function fail(text) {
    phase = -1;
    later = [];
    console.error("Parley: " + text);
  }

  // Asks the server for the tenant's public loader settings, in `locale`'s labels. An
  // answer that does not allow this page (an unknown sysnum, an origin the tenant does
  // not list) carries the server's `message` saying what to change.
  function fetchSettings(locale) {
    asked = locale;
    return fetch(
      ORIGIN + "/api/loader/settings?sysnum=" + encodeURIComponent(SYSNUM) +
        "&locale=" + encodeURIComponent(locale),
      { credentials: "omit" }
    ).then(function (r) {
      return r.json();
    });
  }

  function relabel() {
    var locale = String(cfg.locale || "");
    if (locale !== asked) {
      fetchSettings(locale).then(function (s) {
        if (asked === locale && s.labels) {
          settings.labels = s.labels;
          render();
        }
      }, function () {});
    }
  }

  function maybeStart() {
    if (phase || !settings || !domReady) {
      return;
    }
    if (settings.allowed !== true) {
      return fail(settings.message);
    }
    phase = 1;
    // custom: the site's own buttons (the script tag's class) open the chat. Listeners
    // on the document also cover buttons added later (dynamic_ready); the window's code
    // is fetched when the pointer reaches one.
    ["pointerover", "click"].forEach(function (type) {
      d.addEventListener(
        type,
        function (e) {
          var target = e.target.closest ? e.target : e.target.parentElement;
          if (on("custom") && target && target.closest(customSelector)) {
            if (type === "click") {
              expand(true);
            } else {
              prefetch();
            }
          }
        },
        true
      );
    });
    later.forEach(function (fn) {
      fn();
    });
    later = [];
    apply();
    relabel();
  }

  // ---- Commands --------------------------------------------------------------------

  var COMMANDS = {
    config: function (params) {
      if (!params || typeof params !== "object") {
        return warnOnce("config", 'zc("config", …) expects an object.');
      }
      Object.keys(params).forEach(function (k) {
        if (k !== "__proto__") {
          cfg[k] = params[k];
        }
      });
      apply();
      relayout();
      if (phase > 0) {
        relabel();
      }
    },
    frame_manual: function (callback) {
      released = true;
      apply();
      if (typeof callback === "function") {
        call(callback, "success");
      }
    },
    // Buttons added later are covered by the delegated click listener; this marks them
    // with the unread count at once.
    dynamic_ready: function () {
      whenRunning(markButtons);
    },
    frame_ready: function (callback) {
      if (typeof callback === "function") {
        if (readyFired) {
          call(callback);
        } else {
          readyCallbacks.push(callback);
        }
      }
    },
    frame_status: function (callback) {
      if (typeof callback === "function") {
        call(callback, st.expanded ? "expand" : "collapse");
      }
    },
    receive_message: function (callback) {
      if (typeof callback === "function") {
        messageCallbacks.push(callback);
      }
    },
    offline_message_count: function (callback) {
      if (typeof callback === "function") {
        whenRunning(function () {
          part("visitor", function (v) {
            v.offline(callback);
          });
        });
      }
    },
    // A browsing track entry now (a single-page site's "page" changed), whether or not
    // man_trace collects one per page load.
    trace: function (args) {
      whenRunning(function () {
        part("visitor", function (v) {
          v.trace(args);
        });
      });
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
    var command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : null;
    if (!command) {
      return warnOnce("?" + name, 'unknown command zc("' + String(name) + '").');
    }
    try {
      command(args[1]);
    } catch (e) {
      console.error(e);
    }
  }

  // What the lazy parts may use.
  var api = {
    cfg: cfg,
    get: get,
    on: on,
    el: el,
    css: css,
    t: t,
    color: color,
    textOn: textOn,
    side: side,
    call: call,
    warn: warnOnce,
    root: ensureRoot,
    hooks: hooks,
    part: part,
    query: chatQuery,
    messages: messageCallbacks,
    url: chatUrl,
    expand: expand,
    collapse: collapse,
    collapsed: collapsed,
    layout: relayout,
    fireReady: fireReady,
    addUnread: addUnread,
    isH5: isH5,
    st: st,
    ORIGIN: ORIGIN,
    SYSNUM: SYSNUM
  };

  w.addEventListener("message", onMessage);

  // Replay what the access code queued, in order, then run commands at once.
  var queued = Array.isArray(w.cbk) ? w.cbk.splice(0) : [];
  queued.forEach(function (args) {
    run(args || []);
  });
  var zc = function () {
    run(arguments);
  };
  Object.defineProperty(zc, "parley", { value: true });
  w.zc = zc;

  // The settings are asked at once, in the language configured so far. The loader
  // starts when they are here and the page is parsed, so the zc("config") calls of every
  // script of the page apply to the first render.
  fetchSettings(String(cfg.locale || "")).then(
    function (s) {
      settings = s;
      maybeStart();
    },
    function () {
      fail(ORIGIN + " cannot be reached; the chat is not shown.");
    }
  );
  if (d.readyState === "loading") {
    d.addEventListener("DOMContentLoaded", function () {
      domReady = true;
      maybeStart();
    });
  } else {
    domReady = true;
  }
})();
