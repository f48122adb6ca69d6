function (d, container, map) {
    var r = @@registry@@, all = r.fixed.concat(r.live), overlays = {};
    for (var i = 0; i < r.live.length; i++) {
        var e = r.live[i];
        if (e.key in r.visible ? r.visible[e.key] : e.show) { map.addLayer(e.layer); }
    }
    all.sort(function (a, b) { return a.order - b.order; });
    for (var j = 0; j < all.length; j++) { overlays[all[j].name] = all[j].layer; }
    if (window.layer_control) { map.removeControl(window.layer_control); }
    window.layer_control = L.control.layers(null, overlays, {collapsed: d.collapsed, position: 'topright'});
    window.layer_control.addTo(map);
}
