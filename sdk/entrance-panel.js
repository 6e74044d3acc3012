/*
 * A lazy part of entrance.js: what only some pages ask of the PC window. Loaded when a
 * page sets `container_style` or `dragging`.
 *
 * - container_style (text "prop: value; …" or an object) may move and decorate the PC
 *   window through an allow-list, but not size it (the spec: "height and width settings
 *   are unavailable") nor take it out of place; values with url(, expression or markup
 *   characters are dropped, and each goes through the CSSOM as one value.
 * - dragging: the PC window moves by its bar and keeps its place when opened again. The
 *   pointer is captured, so the iframe under the pointer does not swallow the moves.
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
    var ALLOWED = /^(top|right|bottom|left|z-index|margin(-(top|right|bottom|left))?|border(-(top|right|bottom|left))?(-(width|style|color))?|border-radius|border-(top|bottom)-(left|right)-radius|box-shadow|background-color|outline(-(width|style|color|offset))?|opacity)$/;
    var dragged = null; // {left, top} once the visitor moved the window
    var handled = null; // the bar the drag listener is on

    function containerStyle(panel) {
      var given = api.get("container_style");
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
        var prop = String(p[0]).trim().replace(/[A-Z]/g, "-$&").toLowerCase();
        var value = String(p[1]).trim();
        if (ALLOWED.test(prop) && !/url\(|expression|[\\<>{}@]/i.test(value)) {
          panel.style.setProperty(prop, value);
        }
      });
    }

    function drag(bar, panel) {
      bar.addEventListener("pointerdown", function (e) {
        if (!api.on("dragging") || api.isH5() || e.button !== 0 || e.target !== bar) {
          return;
        }
        var box = panel.getBoundingClientRect();
        var dx = e.clientX - box.left;
        var dy = e.clientY - box.top;
        try {
          bar.setPointerCapture(e.pointerId);
        } catch (err) {
          // A pointer the browser does not track (a synthetic event): moves still
          // arrive while the pointer stays over the bar.
        }
        function move(ev) {
          dragged = {
            left: Math.max(0, Math.min(ev.clientX - dx, w.innerWidth - box.width)),
            top: Math.max(0, Math.min(ev.clientY - dy, w.innerHeight - box.height))
          };
          api.layout();
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

    api.hooks.layout = function (panel, bar) {
      if (bar !== handled) {
        handled = bar;
        drag(bar, panel);
      }
      containerStyle(panel);
      if (dragged && api.on("dragging")) {
        api.css(panel, {
          left: dragged.left + "px", top: dragged.top + "px", right: "auto", bottom: "auto"
        });
      }
    };
    return {};
  });
})(document.currentScript);
