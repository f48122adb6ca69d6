function (d, map) {
        var c = L.control({position: 'bottomleft'});
        c.onAdd = function () { var div = L.DomUtil.create('div', 'ew-legend-control');
            div.innerHTML = d.html; L.DomEvent.disableClickPropagation(div); L.DomEvent.disableScrollPropagation(div);
            return div; };
        c.addTo(map);
    }
