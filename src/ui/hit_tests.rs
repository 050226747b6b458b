use super::*;

fn area() -> Rect {
    // Border at y 5, header at 6, rows from 7 to 14 (8 rows).
    Rect::new(2, 5, 40, 11)
}

#[test]
fn rows_under_the_header_map_to_their_index() {
    assert_eq!(table_row(area(), 20, 0, 10, 7), Some(0));
    assert_eq!(table_row(area(), 20, 0, 10, 9), Some(2));
    assert_eq!(table_row(area(), 20, 0, 10, 14), Some(7));
    // The border, the header and beside the table are no row.
    for (x, y) in [(10, 5), (10, 6), (10, 15), (2, 8), (41, 8), (50, 8)] {
        assert_eq!(table_row(area(), 20, 0, x, y), None, "({x}, {y})");
    }
}

#[test]
fn a_scrolled_table_counts_from_its_first_shown_row() {
    // Row 12 selected: rows 5..13 are shown (as `window` scrolls the drawn table).
    assert_eq!(table_row(area(), 20, 12, 10, 7), Some(5));
    assert_eq!(table_row(area(), 20, 12, 10, 14), Some(12));
}

#[test]
fn below_the_last_row_is_nothing() {
    assert_eq!(table_row(area(), 3, 0, 10, 9), Some(2));
    assert_eq!(table_row(area(), 3, 0, 10, 10), None);
    assert_eq!(table_row(area(), 0, 0, 10, 7), None);
}
