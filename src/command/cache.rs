//! `citecheck cache stats|clear`: look after the page cache.

use crate::cli::{CacheAction, CacheArgs};
use crate::error::Error;
use crate::settings::StoreLocation;
use crate::store::Store;

/// Do what was asked; the text to show.
pub fn run(args: &CacheArgs) -> Result<String, Error> {
    let (mut store, notices) =
        Store::open(&StoreLocation::of(args.store.as_deref(), &args.cache_dir))
            .map_err(Error::Cache)?;
    let shown = match args.action {
        CacheAction::Stats => {
            let stats = store.stats(crate::date::now()).map_err(Error::Cache)?;
            crate::report::store::CacheView::Stats(stats)
        }
        CacheAction::Clear => {
            crate::report::store::CacheView::Cleared(store.clear().map_err(Error::Cache)?)
        }
    };
    Ok(super::to_text(|out| {
        crate::report::store::render_cache(&notices, store.name(), &shown, out)
    }))
}
