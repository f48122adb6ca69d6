function (d, parent) {
    var layers = [];
    for (var i = 0; i < d.rows.length; i++) {
        var b = d.rows[i];
        var ring = L.circle([b[1], b[0]], {radius: d.radius_m, color: d.colour, weight: 1.6, opacity: 0.8,
            dashArray: d.dash, fill: true, fillColor: d.colour, fillOpacity: 0.04, interactive: false,
            className: 'ew-coverage ew-coverage-' + d.component});
        layers.push(ring);
    }
    for (var j = 0; j < layers.length; j++) { parent.addLayer(layers[j]); }
}
