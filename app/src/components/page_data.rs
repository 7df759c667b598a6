//! A page's data, read from the server, that the page reads again after a
//! change: made at the top of the page, before anything on it waits.
//!
//! Why it matters: on the server, a `Suspense` walks its children more than
//! once before it renders them, and each walk runs the code after an
//! `.await` in a `Suspend` again. A resource made there is made once per
//! walk, each time with a new hydration id, while the browser makes it once:
//! the browser then reads another resource's data under that id and the
//! page fails to hydrate. A resource made before any `.await` has the same
//! id on both sides.

use std::future::Future;

use leptos::prelude::*;
use serde::{Serialize, de::DeserializeOwned};

use crate::error::AppError;

/// Data about one thing (a case, by id) and how many times it was asked
/// for again (`reload`): the fetch sees both, so it can wait to be asked.
pub struct PageData<T: Send + Sync + 'static> {
    asked: RwSignal<u32>,
    data: Resource<Result<T, AppError>>,
}

impl<T: Send + Sync + 'static> Clone for PageData<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for PageData<T> {}

impl<T> PageData<T>
where
    T: Serialize + DeserializeOwned + Clone + Send + Sync + 'static,
{
    /// `fetch(id, times_asked_again)` for the id `id()` gives, again
    /// whenever the id changes or `reload` is called.
    pub fn new<Fut>(
        id: impl Fn() -> i64 + Send + Sync + 'static,
        fetch: impl Fn(i64, u32) -> Fut + Send + Sync + 'static,
    ) -> Self
    where
        Fut: Future<Output = Result<T, AppError>> + Send + 'static,
    {
        let asked = RwSignal::new(0);
        let data = Resource::new(
            move || (id(), asked.get()),
            move |(id, asked)| fetch(id, asked),
        );
        PageData { asked, data }
    }

    /// Reads the data from the server again.
    pub fn reload(&self) {
        self.asked.update(|n| *n += 1);
    }

    /// The data, to `.await` inside a `Suspend`.
    pub fn data(&self) -> Resource<Result<T, AppError>> {
        self.data
    }
}
