function (d, parent) {
    var pts = [];
    for (var i = 0; i < d.x.length; i++) { pts.push([d.y[i], d.x[i], d.w[i]]); }
    parent.addLayer(L.heatLayer(pts, {radius: d.radius, blur: d.blur, minOpacity: 0.35, maxZoom: 9,
                                      max: d.max, gradient: d.gradient}));
}
