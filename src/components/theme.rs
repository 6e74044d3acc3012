//! The theme colour and a text colour that stays readable on it.
//!
//! The `color` parameter can be any six hex digits, so the text on it is computed, not
//! configured: of black and white, the one with the higher WCAG contrast ratio. For every
//! sRGB colour that ratio is at least 4.58:1, above the 4.5:1 WCAG 2.2 AA asks for normal
//! text (the two ratios are equal at a relative luminance of about 0.179).

use parley_protocol::params::Color;

/// The relative luminance of an sRGB colour (WCAG 2.2 definition).
pub fn luminance(rgb: [u8; 3]) -> f64 {
    let channel = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            pow_2_4((c + 0.055) / 1.055)
        }
    };
    0.2126 * channel(rgb[0]) + 0.7152 * channel(rgb[1]) + 0.0722 * channel(rgb[2])
}

/// `x` to the power 2.4 for `x` in (0.09, 1], the range the sRGB curve uses it on:
/// the `y` with `y⁵ = x¹²`, by Newton's method from `x²` (above the root there, so every
/// step stays above it and the error shrinks at least fivefold, then quadratically).
/// `f64::powf` would link libm's `pow` (about 2.4 KB of code) for this one use; ten steps
/// agree with it to the last few bits (tested against it on the host).
fn pow_2_4(x: f64) -> f64 {
    let x2 = x * x;
    let x4 = x2 * x2;
    let x12 = x4 * x4 * x4;
    let mut y = x2;
    for _ in 0..10 {
        let y2 = y * y;
        y = (4.0 * y + x12 / (y2 * y2)) / 5.0;
    }
    y
}

/// The WCAG contrast ratio of two colours, from 1 to 21.
pub fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    let (hi, lo) = if la > lb { (la, lb) } else { (lb, la) };
    (hi + 0.05) / (lo + 0.05)
}

/// The bytes of a [`Color`].
pub fn rgb(color: Color) -> [u8; 3] {
    let hex = color.hex();
    let byte = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).unwrap_or(0);
    [byte(0), byte(2), byte(4)]
}

/// Black or white, whichever is more readable on `background`.
pub fn on_color(background: [u8; 3]) -> [u8; 3] {
    const WHITE: [u8; 3] = [255, 255, 255];
    const BLACK: [u8; 3] = [0, 0, 0];
    if contrast(background, WHITE) >= contrast(background, BLACK) {
        WHITE
    } else {
        BLACK
    }
}

/// The lightest background text in the theme colour sits on: the page's `--bg`.
pub const PAGE_BG: [u8; 3] = [0xf5, 0xf6, 0xf7];

/// The theme colour as text or a link on the light page and on white cards: the colour
/// itself when it reads at 4.5:1 on [`PAGE_BG`], else darkened toward black, one percent
/// at a time, until it does (black always does).
pub fn ink(theme: [u8; 3]) -> [u8; 3] {
    (0..=100u8)
        .map(|k| theme.map(|c| (f64::from(c) * f64::from(100 - k) / 100.0).round() as u8))
        .find(|c| contrast(*c, PAGE_BG) >= 4.5)
        .unwrap_or([0, 0, 0])
}

fn hex([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

/// The CSS custom properties of the theme: `--theme` (backgrounds), `--on-theme` (text
/// on it) and `--theme-ink` (text and links in the theme colour on the light page).
pub fn css_vars(color: Color) -> String {
    let c = rgb(color);
    format!(
        "--theme:{};--on-theme:{};--theme-ink:{}",
        color.css(),
        hex(on_color(c)),
        hex(ink(c))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pow_2_4_agrees_with_powf_on_every_channel_value() {
        for c in 11..=255u8 {
            let x = (f64::from(c) / 255.0 + 0.055) / 1.055;
            let (ours, std) = (pow_2_4(x), x.powf(2.4));
            assert!((ours - std).abs() <= 1e-15 * std, "{c}: {ours} vs {std}");
        }
    }

    #[test]
    fn the_default_theme_gets_dark_text() {
        let teal = [0x04, 0xba, 0xbc];
        assert_eq!(on_color(teal), [0, 0, 0]);
        assert!(contrast(teal, on_color(teal)) >= 4.5);
    }

    #[test]
    fn every_colour_gets_text_of_at_least_aa_contrast() {
        // Every 5th value per channel: 52³ ≈ 140 000 colours, including the extremes.
        let steps: Vec<u8> = (0..=255u8).step_by(5).chain([255]).collect();
        for &r in &steps {
            for &g in &steps {
                for &b in &steps {
                    let c = [r, g, b];
                    let ratio = contrast(c, on_color(c));
                    assert!(ratio >= 4.5, "{c:?} gets only {ratio:.2}:1");
                }
            }
        }
    }

    #[test]
    fn known_ratios() {
        assert!((contrast([0, 0, 0], [255, 255, 255]) - 21.0).abs() < 1e-9);
        assert_eq!(on_color([0, 0, 0x80]), [255, 255, 255]);
        assert_eq!(on_color([0xff, 0xff, 0x00]), [0, 0, 0]);
        let css = css_vars(Color::rgb(0, 0, 0x80));
        assert_eq!(
            css,
            "--theme:#000080;--on-theme:#ffffff;--theme-ink:#000080"
        );
        // The default teal is too light for text on the page: darkened a third.
        assert_eq!(ink([0x04, 0xba, 0xbc]), [0x03, 0x7e, 0x80]);
    }

    #[test]
    fn theme_coloured_text_reads_at_aa_on_the_page_and_on_white() {
        let steps: Vec<u8> = (0..=255u8).step_by(15).chain([255]).collect();
        for &r in &steps {
            for &g in &steps {
                for &b in &steps {
                    let c = ink([r, g, b]);
                    assert!(contrast(c, PAGE_BG) >= 4.5, "{:?} → {c:?}", [r, g, b]);
                    assert!(
                        contrast(c, [255, 255, 255]) >= 4.5,
                        "{:?} → {c:?}",
                        [r, g, b]
                    );
                }
            }
        }
    }
}
