function (d, parent) {
    @@helpers@@
    var lk = d.lookups, w = d.w, layers = [];
    function nos(list) { var out = []; for (var j = 0; j < list.length; j++) { out.push(fill(w.no, {component: list[j]})); }
        return out.join(', '); }
    for (var i = 0; i < d.rows.length; i++) {
        var b = obj(d.columns, d.rows[i]);
        var cells = '', missing = [], table = '';
        for (var c = 0; c < lk.components.length; c++) {
            var on = b.n[c] > 0;
            cells += '<span class="' + (on ? 'ew-on' : 'ew-off') + ' ew-comp-' + lk.components[c] + '" title="' +
                (on ? lk.label[c] : fill(w.absent_one, {component: lk.label[c]})) + '" style="' + (on ? 'background:' + lk.colour[c] : '') +
                '"><i class="fa-solid fa-' + lk.icon[c] + '"></i></span>';
            if (!on) { missing.push(lk.label[c]); }
            table += row(lk.label[c], b.n[c] > 0 ? (lk.counts ? b.n[c] : w.present) +
                         (lk.components[c] === 'cla' && b.f > 0 ? ' (' + fill(w.women, {n: b.f}) + ')' : '') : w.absent);
        }
        var gap = missing.length > 0;
        var icon = L.divIcon({className: 'ew-presence' + (gap ? ' ew-presence-gap' : ''), iconSize: null,
            iconAnchor: [39, 27], html: '<div class="ew-base' + (gap ? ' ew-base-gap' : '') + '">' + cells + '</div>'});
        var m = L.marker([b.y, b.x], {icon: icon, title: '', riseOnHover: true, zIndexOffset: 1000});
        m.bindTooltip(b.name + ' \u00b7 ' + (gap ? nos(missing) : w.all),
                      {direction: 'top', offset: [0, -12]});
        m.bindPopup('<div class="ew-pop"><div class="ew-h">' + b.name + '</div><div class="ew-m">' +
            (lk.kind[b.k] || '') + (b.since ? ', ' + fill(w.since, {date: b.since}) : '') + '</div><table>' + table + '</table>' +
            (gap ? '<div class="ew-gap">' + fill(w.not_multi, {missing: nos(missing)}) + '</div>' : '') +
            '</div>');
        layers.push(m);
    }
    put(parent, layers);
}
