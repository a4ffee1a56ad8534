/* Mounts the rasa-webchat widget (assets/webchat.js, served from web/node_modules)
 * into #webchat. The page and the socket.io endpoint share one origin: the Rasa
 * server that serves this page. */
(function () {
  "use strict";
  var STORAGE = "local"; // conversation survives reloads (Rasa session_persistence)

  document.getElementById("restart").addEventListener("click", function () {
    // rasa-webchat keeps its state (session id + messages) under "chat_session".
    window.localStorage.removeItem("chat_session");
    window.location.reload();
  });

  if (!window.WebChat || !window.WebChat.default) {
    document.getElementById("webchat").textContent =
      "The chat widget could not be loaded (assets/webchat.js). Run `make setup` on the server.";
    return;
  }

  window.WebChat.default(
    {
      title: "Outsourcing Advisor",
      subtitle: "BPO, KPO or in-house?",
      initPayload: "/greet",
      socketUrl: window.location.origin,
      socketPath: "/socket.io/",
      customData: { language: "en" },
      params: { storage: STORAGE },
      embedded: true,
      showCloseButton: false,
      inputTextFieldHint: "Ask about BPO or KPO...",
      connectingText: "Connecting to the advisor...",
      // Short, length-dependent pause between consecutive bot messages (default: up to 3 s).
      customMessageDelay: function (message) {
        return Math.min(1000, Math.max(150, message.length * 8));
      }
    },
    document.getElementById("webchat")
  );
})();
