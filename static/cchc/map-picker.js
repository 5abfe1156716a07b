// Location picker for forms with latitude/longitude fields. A click on the map (or "use my
// location") fills the fields; typing in the fields moves the marker. Tiles come from the
// province's own tile server (MAP_TILE_URL): government networks often cannot reach public ones.
(function () {
  function init(box) {
    if (!window.L) return;
    var lat = document.getElementById(box.dataset.latField);
    var lng = document.getElementById(box.dataset.lngField);
    var center = box.dataset.center.split(",").map(Number);
    var map = L.map(box).setView(center, Number(box.dataset.zoom || 12));
    L.tileLayer(box.dataset.tiles, {maxZoom: 19, attribution: box.dataset.attribution || ""}).addTo(map);
    var marker = null;
    function place(latlng, fill) {
      if (marker) marker.setLatLng(latlng); else marker = L.marker(latlng).addTo(map);
      if (fill) { lat.value = latlng.lat.toFixed(6); lng.value = latlng.lng.toFixed(6); }
    }
    map.on("click", function (e) { place(e.latlng, true); });
    function fromFields() {
      var a = parseFloat(lat.value), b = parseFloat(lng.value);
      if (!isNaN(a) && !isNaN(b)) { place(L.latLng(a, b), false); map.panTo([a, b]); }
    }
    lat.addEventListener("change", fromFields);
    lng.addEventListener("change", fromFields);
    fromFields();
    var button = document.getElementById(box.dataset.locateButton);
    if (button && navigator.geolocation) {
      button.hidden = false;
      button.addEventListener("click", function (ev) {
        ev.preventDefault();
        navigator.geolocation.getCurrentPosition(function (pos) {
          var here = L.latLng(pos.coords.latitude, pos.coords.longitude);
          place(here, true); map.setView(here, 16);
        });
      });
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-map-picker]").forEach(init);
  });
})();
