//! Interning of the route templates `CallDiscordApi` derives: each distinct template becomes
//! one leaked `&'static str` (the rate limiter's key and the metrics' `route` label), up to
//! [`MAX_TEMPLATES`]; every template beyond the cap is [`OTHER`], one shared template and
//! bucket. Memory and metric-label cardinality stay bounded whatever paths clients send
//! (Discord has a few hundred routes; only paths with non-snowflake ids in odd places, or
//! routes Discord does not have, can fill the cap).

use crate::discord::route::Route;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// Distinct templates interned at most (the typed routes' templates are not counted).
pub const MAX_TEMPLATES: usize = 512;

/// The template (and bucket) of every call whose template did not fit under the cap.
pub const OTHER: &str = "OTHER";

/// A set of interned templates with a cap.
#[derive(Debug)]
pub struct Interner {
    cap: usize,
    templates: Mutex<HashSet<&'static str>>,
}

impl Interner {
    /// An empty interner holding at most `cap` templates.
    pub fn new(cap: usize) -> Self {
        Self {
            cap,
            templates: Mutex::new(HashSet::new()),
        }
    }

    /// `template` as a `&'static str`: a typed route's template, one interned before, a newly
    /// interned one while fewer than the cap are held, else [`OTHER`].
    pub fn intern(&self, template: &str) -> &'static str {
        if let Some(typed) = Route::TEMPLATES.iter().find(|typed| **typed == template) {
            return typed;
        }
        let mut templates = self
            .templates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(known) = templates.get(template) {
            return known;
        }
        if templates.len() >= self.cap {
            return OTHER;
        }
        let leaked: &'static str = Box::leak(template.to_owned().into_boxed_str());
        templates.insert(leaked);
        leaked
    }

    /// Templates interned so far.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.templates
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

/// The server's interner (one per process, capped at [`MAX_TEMPLATES`]).
pub fn global() -> &'static Interner {
    static GLOBAL: LazyLock<Interner> = LazyLock::new(|| Interner::new(MAX_TEMPLATES));
    &GLOBAL
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interns_up_to_the_cap_then_other() {
        let interner = Interner::new(2);
        let a = interner.intern("GET /a");
        assert_eq!(a, "GET /a");
        assert!(
            std::ptr::eq(a, interner.intern("GET /a")),
            "one leak per template"
        );
        assert_eq!(interner.intern("GET /b"), "GET /b");
        assert_eq!(interner.intern("GET /c"), OTHER);
        assert_eq!(interner.intern("GET /d"), OTHER);
        assert_eq!(interner.len(), 2);
        assert_eq!(interner.intern("GET /b"), "GET /b", "known ones stay");
    }

    #[test]
    fn typed_templates_are_never_capped() {
        let interner = Interner::new(0);
        let typed = interner.intern("POST /channels/{channel_id}/messages");
        assert_eq!(typed, "POST /channels/{channel_id}/messages");
        assert_eq!(interner.len(), 0);
        assert_eq!(interner.intern("GET /new"), OTHER);
    }
}
