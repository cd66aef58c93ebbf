//! Dates on pages: the reader's date style and timezone, as `clout_wire::dates` writes
//! them (the terminal writes them the same way), and the browser's preferred language.

pub(crate) use clout_wire::dates::{
    Style, When, format_date, format_date_time, parse, preferred_locale, rewrite_dates, zone,
};
