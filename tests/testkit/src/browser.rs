//! Real headless Chromium, driven through Debian's chromedriver with fantoccini.

use std::{
    net::TcpListener,
    process::{Child, Command, Stdio},
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator, elements::Element};
use serde_json::json;
use tempfile::TempDir;

use crate::eventually;

/// How long a page may take to show what a test waits for.
pub const PATIENCE: Duration = Duration::from_secs(20);

/// A chromedriver process and one Chromium session with a fresh profile.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn start() -> Self {
        // Two providers are compiled in (see the workspace's `rustls`): name one.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver (Debian's chromium-driver) must be installed");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--window-size=1280,800",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps = caps.as_object().unwrap().clone();
        let webdriver = format!("http://127.0.0.1:{port}");
        let client = eventually("chromedriver to accept a session", PATIENCE, || {
            let (caps, webdriver) = (caps.clone(), webdriver.clone());
            async move {
                ClientBuilder::rustls()
                    .unwrap()
                    .capabilities(caps)
                    .connect(&webdriver)
                    .await
                    .ok()
            }
        })
        .await;
        Self {
            client,
            driver,
            _profile: profile,
        }
    }

    /// Makes the page's viewport `width` x `height` CSS pixels (the window around it is larger
    /// by whatever the browser keeps for itself).
    pub async fn set_viewport(&self, width: u32, height: u32) {
        let inner = || async {
            let size = self
                .client
                .execute("return [window.innerWidth, window.innerHeight]", vec![])
                .await
                .unwrap();
            (
                size[0].as_u64().unwrap() as u32,
                size[1].as_u64().unwrap() as u32,
            )
        };
        self.client.set_window_size(width, height).await.unwrap();
        let (w, h) = inner().await;
        let (outer_w, outer_h) = (2 * width - w, 2 * height - h);
        self.client.set_window_size(outer_w, outer_h).await.unwrap();
        eventually("the viewport to take its size", PATIENCE, || async {
            (inner().await == (width, height)).then_some(())
        })
        .await;
    }

    /// Waits for the element `css` to exist.
    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(PATIENCE)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element `{css}`: {e}"))
    }

    /// Waits for the element `css`, then clicks it.
    pub async fn click(&self, css: &str) {
        let el = self.find(css).await;
        el.click()
            .await
            .unwrap_or_else(|e| panic!("clicking `{css}`: {e}"));
    }

    /// Waits until the element `css` exists and its text satisfies `ok`; returns the text.
    pub async fn text_where(&self, css: &str, ok: impl Fn(&str) -> bool) -> String {
        eventually(&format!("text of `{css}`"), PATIENCE, || async {
            let el = self.client.find(Locator::Css(css)).await.ok()?;
            let text = el.text().await.ok()?;
            ok(&text).then_some(text)
        })
        .await
    }

    /// Logs out by the taskbar's button and waits for the login page: going to the app before
    /// the logout is done would find the session alive and the desktop again.
    pub async fn logout(&self) {
        self.click(".taskbar button.logout").await;
        self.find(".login-card input[name='username']").await;
    }

    /// Opens the app at `base` and logs in through the login page (Enter submits).
    pub async fn login(&self, base: &str, username: &str, password: &str) {
        self.client.goto(base).await.unwrap();
        self.type_into("input[name='username']", username).await;
        self.type_into("input[name='password']", &format!("{password}\u{E007}"))
            .await;
    }

    /// Clears the input `css` and types `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let input = self.find(css).await;
        input.clear().await.unwrap();
        input.send_keys(text).await.unwrap();
    }

    /// A digest of the pixels the image `css` shows, once it has loaded (drawn on a canvas:
    /// the image is same-origin, so its pixels can be read).
    pub async fn image_digest(&self, css: &str) -> u64 {
        let script = r#"
            const img = document.querySelector(arguments[0]);
            if (!img || !img.complete || img.naturalWidth === 0) return null;
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth;
            canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d');
            ctx.drawImage(img, 0, 0);
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let hash = 2166136261;
            for (let i = 0; i < data.length; i++) hash = Math.imul(hash ^ data[i], 16777619) >>> 0;
            return hash;
        "#;
        eventually(&format!("image `{css}` to load"), PATIENCE, || async {
            let value = self.client.execute(script, vec![json!(css)]).await.ok()?;
            value.as_u64()
        })
        .await
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
