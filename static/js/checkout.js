// Order page: copy buttons for the bank transfer, and card payment with Stripe Elements.
// Card data goes from the browser to Stripe only. Without JavaScript, or when stripe.js
// cannot load, the page says so and the buyer can still cancel or pay another way.
(function () {
  "use strict";

  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copy).then(function () {
        button.textContent = button.dataset.copied;
      });
    });
  });

  var box = document.getElementById("card-payment");
  var form = document.getElementById("card-form");
  if (!box || !form || !box.dataset.clientSecret) return;
  var status = document.getElementById("card-status");
  var message = document.getElementById("card-message");
  var submit = document.getElementById("card-submit");

  function unavailable() {
    status.textContent = box.dataset.unavailable;
  }

  function start() {
    if (typeof window.Stripe !== "function") return unavailable();
    var stripe = window.Stripe(box.dataset.publishableKey, { locale: box.dataset.lang });
    var elements = stripe.elements({ clientSecret: box.dataset.clientSecret });
    var payment = elements.create("payment");
    payment.mount("#payment-element");
    status.textContent = "";
    submit.disabled = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      submit.disabled = true;
      message.hidden = true;
      stripe
        .confirmPayment({ elements: elements, confirmParams: { return_url: box.dataset.returnUrl } })
        .then(function (result) {
          // On success Stripe.js leaves for return_url; we only get here with an error.
          if (result && result.error) {
            message.textContent = result.error.message;
            message.hidden = false;
            submit.disabled = false;
          }
        });
    });
  }

  if (typeof window.Stripe === "function") return start();
  var script = document.createElement("script");
  script.src = box.dataset.stripeJs;
  script.onload = start;
  script.onerror = unavailable;
  document.head.appendChild(script);
})();
