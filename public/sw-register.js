// Registers the service worker (release builds only: the page includes this
// script only then) and offers to reload when a new version is waiting.
(function () {
  if (!("serviceWorker" in navigator)) return;
  let reloadAsked = false;
  navigator.serviceWorker.addEventListener("controllerchange", function () {
    if (reloadAsked) window.location.reload();
  });

  function offer(waiting) {
    if (document.getElementById("update-offer")) return;
    const bar = document.createElement("div");
    bar.id = "update-offer";
    bar.setAttribute("role", "status");
    bar.className = "update-offer";
    const text = document.createElement("span");
    text.textContent = "A new version of the app is ready.";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "Reload";
    button.addEventListener("click", function () {
      reloadAsked = true;
      waiting.postMessage(JSON.stringify({ type: "skip-waiting" }));
    });
    bar.appendChild(text);
    bar.appendChild(button);
    // Outside <body>, which the app owns.
    document.documentElement.appendChild(bar);
  }

  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js").then(function (registration) {
      if (registration.waiting && navigator.serviceWorker.controller) offer(registration.waiting);
      registration.addEventListener("updatefound", function () {
        const incoming = registration.installing;
        if (!incoming) return;
        incoming.addEventListener("statechange", function () {
          if (incoming.state === "installed" && navigator.serviceWorker.controller) offer(incoming);
        });
      });
    });
  });
})();
