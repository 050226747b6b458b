//! Where a mouse click lands: the row of the list in front under a screen position, worked
//! out from the same layout and scrolling the screen is drawn with (a pure function of the
//! App and the terminal's size, like drawing).

use ratatui::layout::Rect;

use super::pods::window;
use super::{areas, body_areas};
use crate::app::views::View;
use crate::app::{App, Click, Mode};

/// The row of a bordered table with a header row in `area` under (`x`, `y`), as an index
/// into its `len` rows of which `selected` is scrolled into view.
pub fn table_row(area: Rect, len: usize, selected: usize, x: u16, y: u16) -> Option<usize> {
    let first_y = area.y.saturating_add(2);
    let inside_x = x > area.x && x < area.x.saturating_add(area.width).saturating_sub(1);
    if len == 0 || !inside_x || y < first_y {
        return None;
    }
    let selected = selected.min(len - 1);
    let (start, end) = window(len, selected, area.height.saturating_sub(3));
    let i = start + usize::from(y - first_y);
    (i < end).then_some(i)
}

/// The row clicked at (`x`, `y`) on a screen of `size`, if a list row is there.
pub fn click(app: &App, size: Rect, x: u16, y: u16) -> Option<Click> {
    if size.height < 3 || size.width < 10 || !matches!(app.mode, Mode::Normal) {
        return None;
    }
    let body = areas(app, size).body;
    match app.view() {
        None => {
            let (wl, _, _, _) = body_areas(body);
            let n = app.visible().len();
            table_row(wl, n, app.selected, x, y).map(Click::Workload)
        }
        Some(View::Pods(p)) => {
            let n = app.drilled_pods().len();
            table_row(body, n, p.selected, x, y).map(Click::Pod)
        }
        Some(_) => None,
    }
}

#[cfg(test)]
#[path = "hit_tests.rs"]
mod tests;
