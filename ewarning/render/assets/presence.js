function (d, parent) {
    @@helpers@@
    var lk = d.lookups, layers = [];
    for (var i = 0; i < d.rows.length; i++) {
        var b = obj(d.columns, d.rows[i]);
        var cells = '', missing = [], table = '';
        for (var c = 0; c < lk.components.length; c++) {
            var on = b.n[c] > 0;
            cells += '<span class="' + (on ? 'ew-on' : 'ew-off') + ' ew-comp-' + lk.components[c] + '" title="' +
                lk.label[c] + (on ? '' : ' absent') + '" style="' + (on ? 'background:' + lk.colour[c] : '') +
                '"><i class="fa-solid fa-' + lk.icon[c] + '"></i></span>';
            if (!on) { missing.push(lk.label[c]); }
            table += row(lk.label[c], b.n[c] > 0 ? (lk.counts ? b.n[c] : 'present') +
                         (lk.components[c] === 'cla' && b.f > 0 ? ' (' + b.f + ' women)' : '') : 'absent');
        }
        var gap = missing.length > 0;
        var icon = L.divIcon({className: 'ew-presence' + (gap ? ' ew-presence-gap' : ''), iconSize: null,
            iconAnchor: [39, 27], html: '<div class="ew-base' + (gap ? ' ew-base-gap' : '') + '">' + cells + '</div>'});
        var m = L.marker([b.y, b.x], {icon: icon, title: '', riseOnHover: true, zIndexOffset: 1000});
        m.bindTooltip(b.name + ' \u00b7 ' + (gap ? 'no ' + missing.join(', no ') : 'all components'),
                      {direction: 'top', offset: [0, -12]});
        m.bindPopup('<div class="ew-pop"><div class="ew-h">' + b.name + '</div><div class="ew-m">' +
            (lk.kind[b.k] || '') + (b.since ? ', since ' + b.since : '') + '</div><table>' + table + '</table>' +
            (gap ? '<div class="ew-gap">Not multidimensional: no ' + missing.join(', no ') + '</div>' : '') +
            '</div>');
        layers.push(m);
    }
    put(parent, layers);
}
