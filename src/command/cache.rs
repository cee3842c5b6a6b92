//! `citecheck cache stats|clear`: look after the page cache.

use crate::cli::{CacheAction, CacheArgs};
use crate::error::Error;
use crate::settings::StoreLocation;
use crate::store::Store;

/// Do what was asked; the text to show.
pub fn run(args: &CacheArgs) -> Result<String, Error> {
    let location = StoreLocation::of(args.store.as_deref(), &args.cache_dir);
    // Looking creates nothing.
    if let Some(file) = Store::missing(&location) {
        return Ok(format!("{}\n", crate::report::store::no_store(&file)));
    }
    let (mut store, notices) = Store::open(&location)?;
    let shown = match args.action {
        CacheAction::Stats => {
            let stats = store.stats(crate::date::now())?;
            crate::report::store::CacheView::Stats(stats)
        }
        CacheAction::Clear => crate::report::store::CacheView::Cleared(store.clear()?),
    };
    Ok(super::to_text(|out| {
        crate::report::store::render_cache(&notices, store.name(), &shown, out)
    }))
}
