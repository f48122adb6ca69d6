function (d, parent) {
        if (!d.g) { return; }
        parent.addLayer(L.geoJson(d.g, {interactive: false, style: function () {
            return {color: d.colour, weight: 2, dashArray: '6 4', fill: false, className: 'ew-area'}; }}));
    }
