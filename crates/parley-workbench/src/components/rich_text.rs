//! Message text in the safe rich-text subset ([`parley_protocol::rich`]), as the
//! visitor's chat shows it: `**strong**`, `*emphasis*`, `` `code` ``, lists, line
//! breaks and http(s) links.
//!
//! Every piece becomes a text node inside an element chosen here (`strong`, `em`,
//! `code`, `a`, `p`, `ul`, `ol`, `li`, `br`); nothing is ever parsed as HTML, so `<b>`
//! in a message is four characters of text. Links are those the protocol's check lets
//! open (http and https only), opened in a new tab without an opener. The visitor
//! client has the same few lines of view code (`src/components/rich_text.rs`): the
//! workbench does not depend on the visitor's crate, and the parsing, where the safety
//! lies, is shared in `parley-protocol`.

use leptos::prelude::*;
use parley_protocol::rich::{parse, Block, Inline, Line};

fn piece(p: Inline) -> AnyView {
    match p {
        Inline::Text {
            text,
            strong: false,
            em: false,
        } => text.into_any(),
        Inline::Text {
            text,
            strong: true,
            em: false,
        } => view! { <strong>{text}</strong> }.into_any(),
        Inline::Text {
            text,
            strong: false,
            em: true,
        } => view! { <em>{text}</em> }.into_any(),
        Inline::Text { text, .. } => view! { <strong><em>{text}</em></strong> }.into_any(),
        Inline::Code(text) => view! { <code>{text}</code> }.into_any(),
        Inline::Link { label, url } => {
            view! { <a href=url target="_blank" rel="noopener noreferrer">{label}</a> }.into_any()
        }
    }
}

fn line(l: Line) -> Vec<AnyView> {
    l.into_iter().map(piece).collect()
}

fn items(lines: Vec<Line>) -> Vec<AnyView> {
    lines
        .into_iter()
        .map(|l| view! { <li>{line(l)}</li> }.into_any())
        .collect()
}

/// Message text with its formatting, lists and links, as DOM nodes, in a
/// `div.text.rich`.
#[component]
pub fn RichText(
    /// The message text as stored (never HTML).
    text: String,
) -> impl IntoView {
    let blocks = parse(&text, true)
        .into_iter()
        .map(|b| match b {
            Block::Paragraph(lines) => {
                let mut children: Vec<AnyView> = Vec::new();
                for (i, l) in lines.into_iter().enumerate() {
                    if i > 0 {
                        children.push(view! { <br /> }.into_any());
                    }
                    children.extend(line(l));
                }
                view! { <p>{children}</p> }.into_any()
            }
            Block::Bullets(lines) => view! { <ul>{items(lines)}</ul> }.into_any(),
            Block::Numbered {
                start,
                items: lines,
            } => view! { <ol start=start>{items(lines)}</ol> }.into_any(),
        })
        .collect::<Vec<_>>();
    view! { <div class="text rich" dir="auto">{blocks}</div> }
}
