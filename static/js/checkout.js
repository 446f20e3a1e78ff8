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
  if (!box || !form || !box.dataset.intentUrl) return;
  var status = document.getElementById("card-status");
  var message = document.getElementById("card-message");
  var submit = document.getElementById("card-submit");
  var clientSecret = null;

  function unavailable(text) {
    status.textContent = text || box.dataset.unavailable;
  }

  // The page only reads; the PaymentIntent is fetched (created on first need) by POST.
  function fetchIntent() {
    var token = document.querySelector('meta[name="csrf-token"]');
    return fetch(box.dataset.intentUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRFToken": token ? token.content : "", Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok || !body.client_secret) throw new Error(body.error || "");
        return body;
      });
    });
  }

  function start() {
    if (typeof window.Stripe !== "function") return unavailable();
    fetchIntent().then(function (intent) {
      if (intent.status === "succeeded" || intent.status === "processing") {
        submit.hidden = true;
        return unavailable(box.dataset.confirming);
      }
      clientSecret = intent.client_secret;
      mount();
    }, function (error) {
      unavailable(error.message);
    });
  }

  function mount() {
    var stripe = window.Stripe(box.dataset.publishableKey, { locale: box.dataset.lang });
    var elements = stripe.elements({ clientSecret: clientSecret });
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
  script.onerror = function () {
    unavailable();
  };
  document.head.appendChild(script);
})();
