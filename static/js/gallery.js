// Product gallery: a thumbnail shows its image in the main frame. Only an enhancement:
// without JavaScript each thumbnail is a link to this page with ?image=N.
(function () {
  "use strict";
  document.querySelectorAll("[data-gallery]").forEach(function (gallery) {
    var main = gallery.querySelector(".gallery-main img");
    if (!main) return;
    gallery.querySelectorAll(".gallery-thumbs a[data-src]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
        event.preventDefault();
        main.width = Number(link.dataset.width);
        main.height = Number(link.dataset.height);
        main.srcset = link.dataset.srcset;
        main.src = link.dataset.src;
        main.alt = link.dataset.alt;
        gallery.querySelectorAll(".gallery-thumbs a[aria-current]").forEach(function (other) {
          other.removeAttribute("aria-current");
        });
        link.setAttribute("aria-current", "true");
        if (window.history && history.replaceState) history.replaceState(null, "", link.href);
      });
    });
  });
})();
