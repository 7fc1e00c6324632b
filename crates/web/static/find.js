/* KetaPath finder: an optional "Use my location" button. Progressive enhancement: without this script the form
   works by ZIP code or town. Its words come from the slot's data attributes, in the page's language (English when
   they are missing). The position is rounded to two decimals (about 1 km) before it leaves the browser,
   and it is sent only when the person presses the button. */
(function () {
  "use strict";
  var form = document.getElementById("find-form");
  var near = form ? form.elements.namedItem("near") : null;
  var place = document.getElementById("place");
  var slot = document.getElementById("locate-slot");
  if (!form || !near || !place || !slot || !("geolocation" in navigator)) {
    return;
  }
  var button = document.createElement("button");
  button.type = "button";
  button.className = "button secondary";
  var words = function (name, english) {
    return slot.getAttribute("data-" + name) || english;
  };
  button.textContent = words("locate", "Use my location");
  var status = document.createElement("span");
  status.setAttribute("role", "status");
  status.className = "hint";
  slot.appendChild(document.createTextNode(" "));
  slot.appendChild(button);
  slot.appendChild(document.createTextNode(" "));
  slot.appendChild(status);
  button.addEventListener("click", function () {
    status.textContent = words("locating", "Finding your location…");
    navigator.geolocation.getCurrentPosition(
      function (position) {
        near.value = position.coords.latitude.toFixed(2) + "," + position.coords.longitude.toFixed(2);
        place.value = "";
        form.submit();
      },
      function () {
        status.textContent = words(
          "unavailable",
          "Your location is not available. Please type a ZIP code or town instead."
        );
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
})();
