//! Renders message text in the safe rich-text subset ([`parley_protocol::rich`]).
//!
//! Every piece becomes a text node inside an element chosen here (`strong`, `em`,
//! `code`, `a`, `p`, `ul`, `ol`, `li`, `br`); nothing is ever parsed as HTML. Links are
//! `<a target="_blank" rel="noopener noreferrer">` whose `href` passed the protocol's
//! http(s) check; with `is_link=0` they stay text.

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

/// Message text with its formatting, lists and links, as DOM nodes.
#[component]
pub fn RichText(
    /// The message text as stored (never HTML).
    text: String,
    /// Whether http(s) links become clickable (`is_link`).
    links: bool,
) -> impl IntoView {
    let mut blocks = parse(&text, links);
    // Most messages are one line of plain text: one paragraph element that holds it and
    // takes the direction, without the wrapper and the lists of pieces and blocks (tachys
    // ends each list with a comment node): fewer nodes to build and boxes to lay out.
    if let [Block::Paragraph(lines)] = blocks.as_mut_slice() {
        if let [line] = lines.as_mut_slice() {
            if let [Inline::Text {
                text,
                strong: false,
                em: false,
            }] = line.as_mut_slice()
            {
                let text = std::mem::take(text);
                return view! { <p class="rich" dir="auto">{text}</p> }.into_any();
            }
        }
    }
    let blocks = blocks
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
    // `dir=auto` on its own element: the text's first strong character decides its
    // direction, not the hidden "name: " label before it.
    view! { <div class="rich" dir="auto">{blocks}</div> }.into_any()
}
