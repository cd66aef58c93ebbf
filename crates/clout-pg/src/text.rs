//! [`TextSearch`] on PostgreSQL: the channels whose searchable text (`channel_text`,
//! written with the niche labels) matches a parsed query.

#![allow(unused_imports, unused_variables)]

use std::collections::HashMap;

use clout_core::text::TextQuery;
use clout_store::{Result, SearchText, TextSearch};

use crate::PgStore;

impl TextSearch for PgStore {
    fn text_matches(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        todo!()
    }

    fn text_matches_unranked(&self, query: &TextQuery) -> Result<HashMap<i64, f64>> {
        todo!()
    }

    fn text_version(&self) -> Result<i64> {
        todo!()
    }

    fn for_each_search_text(&self, f: &mut dyn FnMut(SearchText)) -> Result<Option<i64>> {
        todo!()
    }
}
