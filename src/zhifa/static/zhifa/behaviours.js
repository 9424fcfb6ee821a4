// Small page behaviours, kept out of the HTML so the Content-Security-Policy can forbid inline script
// (zhifa.core.guards). Each is switched on by a data- attribute.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el instanceof HTMLElement && el.hasAttribute("data-autosubmit") && el.form) el.form.submit();
});
document.addEventListener("click", function (event) {
  var el = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (el) window.print();
  var locate = event.target instanceof Element ? event.target.closest("[data-locate]") : null;
  if (locate && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
      document.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
    });
  }
});
