//! Switching the context or namespace shown: the one request both `:ctx`/`:ns` and the
//! fleet's `Enter` make.

use super::{App, Effect};

/// Ask the loop to connect; the answer is `Msg::Connected` with this number.
pub fn switch(
    app: &mut App,
    context: Option<String>,
    namespace: Option<String>,
    fx: &mut Vec<Effect>,
) {
    let to = match (&context, &namespace) {
        (Some(c), Some(n)) => format!("context {c}, namespace {n}"),
        (Some(c), None) => format!("context {c}"),
        (None, Some(n)) => format!("namespace {n}"),
        (None, None) => return,
    };
    app.toast(format!("switching to {to}…"), false);
    app.switching = Some(to);
    app.connect_seq += 1;
    fx.push(Effect::Connect {
        seq: app.connect_seq,
        context,
        namespace,
    });
}
