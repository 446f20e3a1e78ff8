// The phone header's menu button: opens and closes the menu in place (aria-expanded says
// which). Without JavaScript the button is a link to #site-menu, opened by CSS :target.
(function () {
  "use strict";
  var button = document.querySelector("[data-menu-button]");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  button.setAttribute("role", "button");
  function set(open) {
    menu.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function (event) {
    event.preventDefault();
    set(button.getAttribute("aria-expanded") !== "true");
  });
  button.addEventListener("keydown", function (event) {
    if (event.key === " ") {
      event.preventDefault();
      set(button.getAttribute("aria-expanded") !== "true");
    }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.classList.contains("open")) {
      set(false);
      button.focus();
    }
  });
})();
