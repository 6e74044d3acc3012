//! `use_visual_viewport`: the height of the browser's visual viewport, which the
//! on-screen keyboard shrinks on phones.
//!
//! Where the browser does not resize the layout for the keyboard (iOS Safari), the H5
//! page follows this height so the composer stays above the keyboard. The `resize`
//! listener is removed when the owner is cleaned up, so a page that mounts the hook
//! again does not pile up listeners.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::VisualViewport;

/// What [`use_visual_viewport`] needs.
pub struct UseVisualViewportOptions {
    /// Whether to listen at all; a disabled hook adds no listener and its height stays
    /// `None` (only the H5 layout needs it).
    pub enabled: bool,
}

/// What [`use_visual_viewport`] gives back.
pub struct UseVisualViewportReturn {
    /// The visual viewport's height in CSS pixels since it last changed; `None` before
    /// the first change (the layout's own height is right until then), when disabled,
    /// or where the browser has no visual viewport.
    pub height: Signal<Option<f64>>,
}

/// The name of the event a visual viewport fires when its size changes.
const RESIZE: &str = "resize";

/// Follows the visual viewport's height; see the module documentation.
pub fn use_visual_viewport(options: UseVisualViewportOptions) -> UseVisualViewportReturn {
    let height = RwSignal::new(None::<f64>);
    let viewport = options
        .enabled
        .then(|| window().visual_viewport())
        .flatten();
    if let Some(viewport) = viewport {
        let handler = Closure::<dyn Fn()>::new(move || {
            if let Some(vv) = window().visual_viewport() {
                height.set(Some(vv.height()));
            }
        });
        let _ = viewport.add_event_listener_with_callback(RESIZE, handler.as_ref().unchecked_ref());
        // The closure must outlive the listener: both are kept here and go together on
        // cleanup (the browser's objects are not `Send`, so they live in local storage of
        // the reactive arena rather than in the cleanup closure itself).
        let listener = StoredValue::new_local(Some((viewport, handler)));
        on_cleanup(move || {
            if let Some(Some((viewport, handler))) = listener.try_update_value(Option::take) {
                remove(&viewport, &handler);
            }
        });
    }
    UseVisualViewportReturn {
        height: height.into(),
    }
}

/// A height in CSS pixels as a CSS length (`612px`, `612.5px`), to a hundredth of a
/// pixel. Written with integers: `f64`'s `Display` would link core's float formatting
/// (about 14 KB of code before optimization) into the chat bundle for this one value.
pub fn css_px(px: f64) -> String {
    // Saturating, and NaN gives 0: the browser never reports either for a height.
    let hundredths = (px.max(0.0) * 100.0).round() as u64;
    let (whole, part) = (hundredths / 100, hundredths % 100);
    match part {
        0 => format!("{whole}px"),
        p if p % 10 == 0 => format!("{whole}.{}px", p / 10),
        p => format!("{whole}.{p:02}px"),
    }
}

fn remove(viewport: &VisualViewport, handler: &Closure<dyn Fn()>) {
    let _ = viewport.remove_event_listener_with_callback(RESIZE, handler.as_ref().unchecked_ref());
}

#[cfg(test)]
mod tests {
    use super::css_px;

    #[test]
    fn css_px_writes_whole_and_fractional_pixels() {
        assert_eq!(css_px(612.0), "612px");
        assert_eq!(css_px(612.5), "612.5px");
        assert_eq!(css_px(612.25), "612.25px");
        assert_eq!(css_px(612.05), "612.05px");
        assert_eq!(css_px(0.004), "0px");
        assert_eq!(css_px(99.999), "100px");
        // Each agrees with `f64`'s own formatting where that has at most two decimals.
        for h in [1.0, 480.75, 731.5, 0.1] {
            assert_eq!(css_px(h), format!("{h}px"));
        }
    }
}
