// Autocomplete for the header search box. Only an enhancement: without it the box is a plain
// GET form to /<lang>/search. ARIA 1.2 combobox pattern: arrows move, Enter picks, Escape closes.
(function () {
  "use strict";

  function enhance(input) {
    var form = input.form;
    var url = input.getAttribute("data-suggest-url");
    if (!form || !url || !window.fetch) return;

    var list = document.createElement("ul");
    list.id = input.id + "-suggestions";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    if (input.labels && input.labels.length) {
      list.setAttribute("aria-label", input.labels[0].textContent);
    }
    list.hidden = true;
    form.appendChild(list);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);

    var active = -1;
    var timer = null;
    var asked = "";
    var pending = null;

    function options() {
      return list.querySelectorAll("[role=option]");
    }

    function close() {
      list.hidden = true;
      list.textContent = "";
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }

    function choose(text) {
      input.value = text;
      close();
      form.submit();
    }

    function mark(index) {
      var all = options();
      if (!all.length) return;
      active = (index + all.length) % all.length;
      for (var i = 0; i < all.length; i++) {
        all[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", all[active].id);
      all[active].scrollIntoView({ block: "nearest" });
    }

    function show(suggestions) {
      list.textContent = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      suggestions.forEach(function (text, i) {
        var option = document.createElement("li");
        option.id = list.id + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = text;
        // mousedown, not click: it comes before the input loses focus.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
          choose(text);
        });
        list.appendChild(option);
      });
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function ask() {
      var typed = input.value.trim();
      if (typed.length < 2) {
        asked = "";
        close();
        return;
      }
      if (typed === asked) return;
      asked = typed;
      if (pending && window.AbortController) pending.abort();
      pending = window.AbortController ? new AbortController() : null;
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(typed), {
        headers: { Accept: "application/json" },
        signal: pending ? pending.signal : undefined,
      })
        .then(function (response) {
          return response.ok ? response.json() : { suggestions: [] };
        })
        .then(function (data) {
          if (input.value.trim() === typed) show(data.suggestions || []);
        })
        .catch(function () {
          /* offline or aborted: the plain search still works */
        });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 120);
    });

    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) mark(active + 1);
        else ask();
      } else if (event.key === "ArrowUp" && open) {
        event.preventDefault();
        mark(active - 1);
      } else if (event.key === "Enter" && open && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent);
      } else if (event.key === "Escape" && open) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
  }

  function start() {
    var boxes = document.querySelectorAll("input[data-suggest-url]");
    for (var i = 0; i < boxes.length; i++) enhance(boxes[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
