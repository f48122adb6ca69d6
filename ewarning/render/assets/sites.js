function (d, parent) {
    @@helpers@@
    var lk = d.lookups, w = d.w, layers = [];
    for (var i = 0; i < d.rows.length; i++) {
        var s = obj(d.columns, d.rows[i]);
        var colour = lk.colour[s.k] || lk.neutral;
        var m = L.circleMarker([s.y, s.x], {radius: s.r, color: colour, weight: 2, opacity: 0.95,
            fillColor: colour, fillOpacity: 0.25, className: 'ew-site'});
        m.bindTooltip(s.n + (s.pop ? ' \u00b7 ' + s.pop : ''));
        m.bindPopup('<div class="ew-pop"><div class="ew-h">' + s.n + '</div><div class="ew-m">' +
            (lk.kind[s.k] || '') + '</div><table>' + row(w.population, s.pop || w.unknown) +
            row(w.opened, s.o) + row(w.closed, s.cl) + row(w.id, s.id) + '</table></div>');
        layers.push(m);
    }
    put(parent, layers);
}
