/* The Outsourcing Advisor's chat widget: a small, accessible client of Rasa's socket.io
 * channel (channels/socketio.py), the same protocol rasa-webchat speaks:
 *   -> session_request {session_id}      <- session_confirm <token>
 *   -> user_uttered {message, session_id, customData, metadata: {message_id}}
 *   <- bot_uttered {text, quick_replies: [{title, payload} | {type: "web_url", title, url}]}
 *   <- bot_uttered {text, from: "consultant", delivery_id}   a person's reply during a hand-off
 *      (delivery_id: shown once, however many times it arrives)
 * Why our own widget and not rasa-webchat: web/README.md.
 *
 * Accessibility (docs/accessibility.md):
 * - the transcript is a list; every message starts with a visually hidden "Advisor:" / "You:",
 *   or a visible "Consultant:" for a person's reply (same live region, announced as such);
 * - each new bot message is appended once to a polite live region (never the restored ones);
 * - quick replies are <button>s in a group labelled by their question; once answered they
 *   leave the tab order (aria-disabled, tabindex -1) and ignore clicks;
 * - after a quick reply, focus moves to the new question's first option, or to the input;
 * - links that open a new tab say so; whitespace-only messages are not sent.
 *
 * Needs window.io (socket.io client, /chat/assets/socket.io.js). Mount it with
 *   AdvisorChat.mount(element, {socketUrl, socketPath, initPayload, storageKey, ...}).
 */
(function (global) {
  "use strict";

  var DEFAULTS = {
    socketUrl: global.location.origin,
    socketPath: "/socket.io/",
    initPayload: "/greet",
    customData: { language: "en" },
    storageKey: "chat_session", // same key and shape as rasa-webchat's, so old sessions go on
    title: "Conversation with the Outsourcing Advisor",
    placeholder: "Ask about BPO or KPO...",
    // After the last bot message of a turn, wait this long before moving focus: a turn
    // comes as several messages (one per paragraph, the buttons with the last).
    settleMs: 600
  };
  var BOT = "response";
  var USER = "client";
  var NEW_TAB = " (opens in a new tab)";
  var nextId = 0;

  function el(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes[name];
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function hidden(text) {
    return el("span", { class: "ac-visually-hidden", text: text });
  }

  function safeUrl(url) {
    return /^(https?:\/\/|\/(?!\/))[^\s]*$/i.test(url || "") ? url : null;
  }

  function newTabLink(url, children) {
    var link = el("a", { href: url, target: "_blank", rel: "noopener noreferrer" }, children);
    link.appendChild(hidden(NEW_TAB));
    link.appendChild(el("span", { class: "ac-new-tab-icon", "aria-hidden": "true", text: "↗" }));
    return link;
  }

  /* --- markdown: the little the bot uses, built as DOM nodes (never innerHTML) ---------- */

  var INLINE = /\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)/;

  function inline(text) {
    var nodes = [];
    var rest = text;
    var match;
    while ((match = INLINE.exec(rest)) !== null) {
      if (match.index > 0) nodes.push(document.createTextNode(rest.slice(0, match.index)));
      if (match[1] !== undefined) {
        nodes.push(el("strong", {}, inline(match[1])));
      } else {
        var url = safeUrl(match[3]);
        nodes.push(url ? newTabLink(url, inline(match[2])) : document.createTextNode(match[0]));
      }
      rest = rest.slice(match.index + match[0].length);
    }
    if (rest) nodes.push(document.createTextNode(rest));
    return nodes;
  }

  function markdown(text) {
    var blocks = [];
    var list = null;
    String(text || "").split("\n").forEach(function (line) {
      var item = /^\s*(?:[-*•]|\d+[.)])\s+(.*)$/.exec(line);
      if (item) {
        if (!list) {
          list = el(/^\s*\d/.test(line) ? "ol" : "ul");
          blocks.push(list);
        }
        list.appendChild(el("li", {}, inline(item[1])));
        return;
      }
      list = null;
      if (line.trim()) blocks.push(el("p", {}, inline(line)));
    });
    return blocks;
  }

  function plainText(text) {
    return String(text || "")
      .replace(/\*\*([^*]+)\*\*/g, "$1")
      .replace(/\[([^\]]+)\]\([^)]*\)/g, "$1")
      .replace(/\s+/g, " ")
      .trim();
  }

  /* --- storage ----------------------------------------------------------------------- */

  function load(key) {
    try {
      var state = JSON.parse(global.localStorage.getItem(key) || "null");
      if (state && typeof state === "object" && Array.isArray(state.conversation)) {
        // rasa-webchat also stored messages it never showed ("hidden").
        state.conversation = state.conversation.filter(function (message) {
          return message && typeof message === "object" && !message.hidden;
        });
        markAnswered(state.conversation);
        return state;
      }
    } catch (ignored) {
      /* unreadable or blocked storage: start afresh */
    }
    return { session_id: null, conversation: [] };
  }

  /* Questions followed by a message of the user's are answered (rasa-webchat, whose
   * conversations go on here, did not store that). */
  function markAnswered(conversation) {
    var userSpokeLater = false;
    for (var i = conversation.length - 1; i >= 0; i--) {
      if (conversation[i].sender === USER) userSpokeLater = true;
      else if (userSpokeLater && replies(conversation[i]).length) conversation[i].answered = true;
    }
  }

  function save(key, state) {
    try {
      global.localStorage.setItem(key, JSON.stringify(state));
    } catch (ignored) {
      /* private mode or full: the conversation still works, it just won't survive a reload */
    }
  }

  /* --- the widget ---------------------------------------------------------------------- */

  function Chat(root, options) {
    this.options = Object.assign({}, DEFAULTS, options || {});
    this.state = load(this.options.storageKey);
    this.awaitingFocus = false;
    this.parked = false;
    this.settleTimer = null;
    this.reducedMotion = global.matchMedia && global.matchMedia("(prefers-reduced-motion: reduce)");
    this.build(root);
    this.state.conversation.forEach(this.render, this);
    this.connect();
  }

  Chat.prototype.build = function (root) {
    var id = "ac" + nextId++;
    this.titleId = id + "-title";
    this.root = root;
    root.classList.add("ac-chat");
    root.setAttribute("role", "region");
    root.setAttribute("aria-labelledby", this.titleId);
    this.status = el("p", { class: "ac-status", role: "status", text: "Connecting to the advisor..." });
    this.transcript = el("ol", { class: "ac-transcript", "aria-labelledby": this.titleId });
    // What screen readers announce: each new bot message, once (role log: additions in order).
    this.announcer = el("div", {
      class: "ac-visually-hidden ac-announcer",
      role: "log",
      "aria-live": "polite",
      "aria-label": "New messages from the advisor",
      "aria-relevant": "additions",
      id: id + "-announcer"
    });
    this.typing = el("p", { class: "ac-typing", hidden: "" }, [
      "The advisor is typing",
      el("span", { class: "ac-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")])
    ]);
    this.input = el("input", {
      id: id + "-input",
      class: "ac-input",
      type: "text",
      autocomplete: "off",
      placeholder: this.options.placeholder,
      "aria-describedby": id + "-hint"
    });
    this.hint = el("p", { id: id + "-hint", class: "ac-hint", "aria-live": "polite" });
    this.form = el("form", { class: "ac-composer", "aria-label": "Send a message" }, [
      el("label", { for: this.input.id, class: "ac-visually-hidden", text: "Your message to the advisor" }),
      el("div", { class: "ac-row" }, [
        this.input,
        el("button", { type: "submit", class: "ac-send", text: "Send" })
      ]),
      this.hint
    ]);
    [
      el("h2", { id: this.titleId, class: "ac-visually-hidden", text: this.options.title }),
      this.announcer,
      this.status,
      this.transcript,
      this.typing,
      this.form
    ].forEach(function (node) {
      root.appendChild(node);
    });
    this.form.addEventListener("submit", this.onSubmit.bind(this));
    this.input.addEventListener("input", this.setHint.bind(this, ""));
    if (global.ResizeObserver) {
      // The composer sticks to the bottom of the window: keep focused things above it.
      var form = this.form;
      new global.ResizeObserver(function () {
        document.documentElement.style.setProperty("--ac-composer-height", form.offsetHeight + "px");
      }).observe(form);
    }
  };

  Chat.prototype.setHint = function (text) {
    this.hint.textContent = text;
  };

  Chat.prototype.connect = function () {
    var chat = this;
    if (typeof global.io !== "function") {
      this.status.textContent = "The chat could not be loaded (socket.io client missing).";
      return;
    }
    var socket = global.io(this.options.socketUrl, { path: this.options.socketPath });
    this.socket = socket;
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: chat.state.session_id });
    });
    socket.on("session_confirm", function (confirmed) {
      chat.onSession(typeof confirmed === "string" ? confirmed : (confirmed || {}).session_id);
    });
    socket.on("bot_uttered", function (message) {
      chat.receive(message || {});
    });
    socket.on("disconnect", function () {
      chat.status.textContent = "Connection lost, reconnecting...";
    });
    socket.on("connect_error", function () {
      chat.status.textContent = "Cannot reach the advisor, retrying...";
    });
  };

  Chat.prototype.onSession = function (sessionId) {
    this.status.textContent = "Connected to the advisor.";
    if (sessionId !== this.state.session_id) {
      // A session the server did not continue: the stored messages belong to another one.
      this.state = { session_id: sessionId, conversation: [] };
      this.transcript.textContent = "";
      save(this.options.storageKey, this.state);
    }
    if (this.state.conversation.length === 0 && this.options.initPayload) {
      this.emit(this.options.initPayload);
    }
  };

  Chat.prototype.emit = function (message) {
    this.socket.emit("user_uttered", {
      message: message,
      customData: this.options.customData,
      // Sent again as is if the socket reconnects first: the hand-off passes it on once.
      metadata: { message_id: Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10) },
      session_id: this.state.session_id
    });
    // "The advisor is typing" until a reply comes, or for 20 s at most.
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(function (typing) { typing.hidden = true; }, 20000, this.typing);
  };

  Chat.prototype.onSubmit = function (event) {
    event.preventDefault();
    var text = this.input.value;
    if (!text.trim()) {
      this.input.value = "";
      this.setHint("Type a message first.");
      this.input.focus();
      return;
    }
    this.input.value = "";
    this.setHint("");
    this.send(text.trim(), text.trim(), false);
  };

  /* `shown` is what the transcript shows (a quick reply's title), `payload` what is sent. */
  Chat.prototype.send = function (shown, payload, fromQuickReply) {
    if (!this.socket || !this.socket.connected || !this.state.session_id) {
      this.setHint("Not connected yet: your message was not sent. Please try again in a moment.");
      return false;
    }
    this.answerOpenQuestions();
    this.add({ sender: USER, type: "text", text: shown });
    this.awaitingFocus = fromQuickReply;
    this.parked = false;
    this.emit(payload);
    return true;
  };

  Chat.prototype.answerOpenQuestions = function () {
    this.state.conversation.forEach(function (message) {
      if (message.sender === BOT && !message.answered && replies(message).length) message.answered = true;
    });
    var open = this.transcript.querySelectorAll(".ac-reply:not([aria-disabled])");
    Array.prototype.forEach.call(open, deactivate);
  };

  Chat.prototype.receive = function (data) {
    var text = typeof data.text === "string" ? data.text : "";
    var quickReplies = Array.isArray(data.quick_replies) ? data.quick_replies : [];
    if (!text && !quickReplies.length) return; // attachments and custom JSON: not used on the web
    // A hand-off message carries its queue id: it is delivered at least once (again after
    // a server died before it could mark it delivered), and shown once.
    var delivery = typeof data.delivery_id === "string" ? data.delivery_id : null;
    if (delivery && this.state.conversation.some(function (m) { return m.delivery === delivery; })) return;
    var message = { sender: BOT, type: "text", text: text, quick_replies: quickReplies };
    if (data.from === "consultant") message.from = "consultant";
    if (delivery) message.delivery = delivery;
    this.add(message);
    this.announce(message);
    this.typing.hidden = true;
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(this.settle.bind(this), this.options.settleMs);
  };

  Chat.prototype.add = function (message) {
    message.timestamp = Date.now();
    this.state.conversation.push(message);
    save(this.options.storageKey, this.state);
    var item = this.render(message);
    item.scrollIntoView({ block: "nearest", behavior: this.motion() });
  };

  Chat.prototype.motion = function () {
    return this.reducedMotion && this.reducedMotion.matches ? "auto" : "smooth";
  };

  Chat.prototype.announce = function (message) {
    var spoken = plainText(message.text) || "Choose an option.";
    var who = message.from === "consultant" ? "Consultant: " : "Advisor: ";
    this.announcer.appendChild(el("p", { text: who + spoken }));
    // Only additions are read; old ones can go, so the region never grows long.
    while (this.announcer.childNodes.length > 20) this.announcer.removeChild(this.announcer.firstChild);
  };

  /* After a quick reply: once the bot's turn has settled, focus the new question's first
   * option, or the input when the turn asks nothing. If the question comes later (a slow
   * action), focus moves on to it from the input, unless the user has moved or typed.
   * Typed messages keep focus in the input. */
  Chat.prototype.settle = function () {
    var option = this.firstOpenOption();
    var parked = this.parked && document.activeElement === this.input && !this.input.value;
    var parkedNow = false;
    if (this.awaitingFocus || (parked && option)) {
      this.awaitingFocus = false;
      this.moveFocus(option || this.input);
      parkedNow = !option;
    }
    // Parked in the input by us, waiting for a question: until one comes or the user moves.
    this.parked = !option && (parked || parkedNow);
  };

  Chat.prototype.firstOpenOption = function () {
    var last = this.transcript.lastElementChild;
    return last && last.classList.contains("ac-bot")
      ? last.querySelector(".ac-reply:not([aria-disabled])")
      : null;
  };

  Chat.prototype.moveFocus = function (target) {
    target.focus({ preventScroll: true });
    target.scrollIntoView({ block: "nearest", behavior: this.motion() });
  };

  function replies(message) {
    return Array.isArray(message.quick_replies) ? message.quick_replies : [];
  }

  function deactivate(button) {
    button.setAttribute("aria-disabled", "true");
    button.setAttribute("tabindex", "-1");
  }

  Chat.prototype.render = function (message) {
    var bot = message.sender === BOT;
    var textId = "ac-msg-" + nextId++;
    var body = el("div", { class: "ac-text", id: textId }, markdown(message.text));
    var consultant = bot && message.from === "consultant";
    var item = el("li", { class: "ac-message " + (bot ? "ac-bot" : "ac-user") + (consultant ? " ac-consultant" : "") }, [
      consultant ? el("strong", { class: "ac-from", text: "Consultant: " }) : hidden(bot ? "Advisor: " : "You: "),
      body
    ]);
    var quickReplies = replies(message);
    if (bot && quickReplies.length) {
      item.appendChild(this.renderReplies(message, quickReplies, message.text ? textId : null));
    }
    this.transcript.appendChild(item);
    return item;
  };

  Chat.prototype.renderReplies = function (message, quickReplies, labelId) {
    var chat = this;
    var group = el("div", { class: "ac-replies", role: "group" });
    if (labelId) group.setAttribute("aria-labelledby", labelId);
    else group.setAttribute("aria-label", "Options");
    quickReplies.forEach(function (reply) {
      var title = String(reply.title || reply.payload || "");
      if (reply.type === "web_url") {
        var url = safeUrl(reply.url);
        if (url) group.appendChild(newTabLink(url, [title])).classList.add("ac-reply-link");
        return;
      }
      var button = el("button", { type: "button", class: "ac-reply", text: title });
      if (message.answered) deactivate(button);
      if (message.chosen === title) button.classList.add("ac-chosen");
      button.addEventListener("click", function () {
        if (button.getAttribute("aria-disabled") === "true") return;
        if (!chat.send(title, String(reply.payload || title), true)) return;
        button.classList.add("ac-chosen");
        message.chosen = title;
        save(chat.options.storageKey, chat.state);
      });
      group.appendChild(button);
    });
    return group;
  };

  global.AdvisorChat = {
    mount: function (root, options) {
      return new Chat(root, options);
    },
    clear: function (storageKey) {
      try {
        global.localStorage.removeItem(storageKey || DEFAULTS.storageKey);
      } catch (ignored) {
        /* nothing stored */
      }
    }
  };
})(window);
