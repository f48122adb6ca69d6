function (d, parent) {
    var st = d.style, drawn = [];
    if (d.countries) {
        drawn.push(L.geoJson(d.countries, {interactive: false, style: function (f) {
            var focus = f.properties.f;
            return {color: st.border, weight: focus ? 1.6 : 0.9, fillColor: focus ? st.land_focus : st.land,
                    fillOpacity: 1, className: 'ew-basemap ew-country'}; }}));
    }
    if (d.sectors) {
        drawn.push(L.geoJson(d.sectors, {style: function () {
            return {color: st.sector, weight: 1.3, dashArray: '5 4', fill: false, className: 'ew-basemap ew-sector'}; },
            onEachFeature: function (f, l) { if (f.properties.n) { l.bindTooltip(f.properties.n, {sticky: true}); } }}));
    }
    if (d.towns) {
        drawn.push(L.geoJson(d.towns, {pointToLayer: function (f, latlng) {
            var m = L.circleMarker(latlng, {radius: 2.5, color: st.town, weight: 1, fillColor: '#ffffff',
                                            fillOpacity: 1, className: 'ew-basemap ew-town'});
            // town names under the markers (shadow pane), so no label covers a hotspot's badge
            if (f.properties.n) { m.bindTooltip(f.properties.n, {permanent: true, direction: 'right', pane: 'shadowPane',
                                                                 className: 'ew-town-label', offset: [3, 0]}); }
            return m; }}));
    }
    for (var i = 0; i < drawn.length; i++) { parent.addLayer(drawn[i]); }
    // Boundaries stay under the other layers even when toggled back on.
    parent.on('add', function () { parent.eachLayer(function (g) {
        if (g.bringToBack) { g.bringToBack(); } }); });
}
