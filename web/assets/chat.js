/* Mounts the chat widget (assets/webchat.js) into #webchat. The page and the socket.io
 * endpoint share one origin: the Rasa server that serves this page. */
(function () {
  "use strict";
  var root = document.getElementById("webchat");

  document.getElementById("restart").addEventListener("click", function () {
    if (window.AdvisorChat) window.AdvisorChat.clear();
    window.location.reload();
  });

  if (!window.AdvisorChat || typeof window.io !== "function") {
    root.textContent =
      "The chat could not be loaded (assets/webchat.js, assets/socket.io.js). Run `make setup` on the server.";
    return;
  }
  window.AdvisorChat.mount(root, {
    socketUrl: window.location.origin,
    socketPath: "/socket.io/",
    initPayload: "/greet"
  });
})();
