// Sort selects apply as soon as they change. Only an enhancement: without JavaScript the
// form keeps its submit button.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () {
    if (select.form.requestSubmit) select.form.requestSubmit();
    else select.form.submit();
  });
});
