//! The timeline view: STUB — being written (issue 11).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::App;
use crate::app::timeline_view::TimelineView;

pub fn draw(f: &mut Frame, app: &App, _v: &TimelineView, area: Rect) {
    f.render_widget(
        Paragraph::new("").block(block("timeline · Esc back", app.theme())),
        area,
    );
}
