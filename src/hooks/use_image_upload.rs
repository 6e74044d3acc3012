//! Sending pictures and files: each picked file gets a client id and (pictures) a local
//! preview, is posted (pictures to `/api/chat/image`, other files to `/api/chat/file`)
//! once, and stays listed (sending, or failed with the server's reason and a retry)
//! until the server has stored it; the stored message then joins the conversation log.
//!
//! Pictures are not put in the text outbox: a file cannot live in local storage, so a
//! picture that has not gone out is lost on reload (the list says it is still sending).
//! A retry re-posts the same file with the same client id, so the server stores it once.

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use parley_protocol::api::ChatMessage;

use crate::api::{self, CallError};

/// A picture on its way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The server's exactly-once key for this picture.
    pub client_id: String,
    /// The file's name, for the preview's alternative text.
    pub name: String,
    /// A `blob:` URL of the local picture, for the preview ("" for other files, which
    /// show their name).
    pub preview: String,
    /// Why the server refused it (its message) or why it could not be sent; `None`
    /// while sending.
    pub failed: Option<String>,
}

/// Whether a picked file goes as a picture (shown in the conversation) or as a file
/// (a card to download).
fn is_picture(file: &web_sys::File) -> bool {
    matches!(
        file.type_().as_str(),
        "image/png" | "image/jpeg" | "image/gif" | "image/webp"
    )
}

/// Options of [`use_image_upload`].
pub struct UseImageUploadOptions {
    /// The visitor's session token.
    pub token: String,
    /// Called with the stored message when a picture went out.
    pub on_sent: Callback<ChatMessage>,
    /// The text shown when the server could not be reached.
    pub network_error: String,
}

/// What [`use_image_upload`] returns.
#[derive(Clone, Copy)]
pub struct UseImageUploadReturn {
    /// The pictures not yet stored, in the order picked.
    pub uploads: Signal<Vec<Upload>>,
    /// Sends a picked file.
    pub send: Callback<web_sys::File>,
    /// Sends a failed picture again (by client id).
    pub retry: Callback<String>,
    /// Drops a failed picture (by client id).
    pub dismiss: Callback<String>,
}

/// Sends pictures for the chat page.
pub fn use_image_upload(options: UseImageUploadOptions) -> UseImageUploadReturn {
    let UseImageUploadOptions {
        token,
        on_sent,
        network_error,
    } = options;
    let uploads = RwSignal::new(Vec::<Upload>::new());
    // The files themselves (not `Send`, so beside the signal rather than in it).
    let files = StoredValue::new_local(HashMap::<String, web_sys::File>::new());
    let token = StoredValue::new(token);
    let network_error = StoredValue::new(network_error);

    let forget = move |client_id: &str| {
        uploads.update(|list| {
            if let Some(i) = list.iter().position(|u| u.client_id == client_id) {
                if !list[i].preview.is_empty() {
                    let _ = web_sys::Url::revoke_object_url(&list[i].preview);
                }
                list.remove(i);
            }
        });
        files.update_value(|f| {
            f.remove(client_id);
        });
    };
    let post = move |client_id: String| {
        let Some(file) = files.with_value(|f| f.get(&client_id).cloned()) else {
            return;
        };
        spawn_local(async move {
            let token = token.get_value();
            let sent = if is_picture(&file) {
                api::send_image(&token, &client_id, &file).await
            } else {
                api::send_file(&token, &client_id, &file).await
            };
            match sent {
                Ok(answer) => {
                    on_sent.run(answer.message);
                    forget(&client_id);
                }
                Err(e) => {
                    let reason = match e {
                        CallError::Api(body) => body.message,
                        CallError::Network(_) => network_error.get_value(),
                    };
                    uploads.update(|list| {
                        if let Some(u) = list.iter_mut().find(|u| u.client_id == client_id) {
                            u.failed = Some(reason);
                        }
                    });
                }
            }
        });
    };
    let send = Callback::new(move |file: web_sys::File| {
        let client_id = api::new_client_id("img");
        let preview = if is_picture(&file) {
            web_sys::Url::create_object_url_with_blob(&file).unwrap_or_default()
        } else {
            String::new()
        };
        uploads.update(|list| {
            list.push(Upload {
                client_id: client_id.clone(),
                name: file.name(),
                preview,
                failed: None,
            })
        });
        files.update_value(|f| {
            f.insert(client_id.clone(), file);
        });
        post(client_id);
    });
    let retry = Callback::new(move |client_id: String| {
        uploads.update(|list| {
            if let Some(u) = list.iter_mut().find(|u| u.client_id == client_id) {
                u.failed = None;
            }
        });
        post(client_id);
    });
    let dismiss = Callback::new(move |client_id: String| forget(&client_id));
    UseImageUploadReturn {
        uploads: uploads.into(),
        send,
        retry,
        dismiss,
    }
}
