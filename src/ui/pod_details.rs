//! A pod's details: STUB — being written (issue 11).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::Paragraph;

use super::block;
use crate::app::App;
use crate::app::pod_details::PodDetailsView;

pub fn draw(f: &mut Frame, app: &App, v: &PodDetailsView, area: Rect) {
    let title = format!("pod {} · Esc back", v.pod);
    f.render_widget(Paragraph::new("").block(block(&title, app.theme())), area);
}
