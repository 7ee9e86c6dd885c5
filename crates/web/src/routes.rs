//! The route table: every route is added here, by method and its handler's typed address, so that the application
//! and the authorization matrix test read the same list and no route escapes the test.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};
use axum_extra::routing::{SecondElementIs, TypedPath};

use crate::AppState;

/// The routes being built, and the list of them.
#[derive(Debug)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<(Method, &'static str)>,
}

/// `Routes::get`, `post`, `put`: one method each, routing a handler at its typed address.
macro_rules! methods {
    ($($(#[$doc:meta])* $name:ident $method:ident),*) => {$(
        $(#[$doc])*
        pub fn $name<H, T, P>(self, h: H) -> Self
        where
            H: Handler<T, AppState>,
            T: SecondElementIs<P> + 'static,
            P: TypedPath,
        {
            self.add(Method::$method, MethodFilter::$method, P::PATH, h)
        }
    )*};
}

impl Routes {
    pub fn new() -> Self {
        Routes {
            router: Router::new(),
            list: Vec::new(),
        }
    }

    fn add<H, T>(
        mut self,
        method: Method,
        filter: MethodFilter,
        path: &'static str,
        handler: H,
    ) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = self.router.route(path, on(filter, handler));
        self.list.push((method, path));
        self
    }

    methods! {
        /// `GET` of the address the handler's first argument is.
        get GET,
        /// `POST` to the address the handler's first argument is.
        post POST,
        /// `PUT` to the address the handler's first argument is.
        put PUT
    }

    pub fn into_parts(self) -> (Router<AppState>, Vec<(Method, &'static str)>) {
        (self.router, self.list)
    }
}
