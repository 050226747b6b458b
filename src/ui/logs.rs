//! The log view: STUB — being written (issue 11).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::App;
use crate::app::logs_view::LogView;

pub fn draw(f: &mut Frame, app: &App, v: &LogView, area: Rect) {
    let title = format!("logs of {} · Esc back", v.target);
    f.render_widget(Paragraph::new("").block(block(&title, app.theme())), area);
}
