function (d, parent) {
    @@helpers@@
    var lk = d.lookups, w = d.w, layers = [];
    for (var i = 0; i < d.rows.length; i++) {
        var p = obj(d.columns, d.rows[i]);
        var st = lk.style[p.ty] || lk.style[lk.unknown];
        var latlngs = [];
        for (var j = 0; j < p.line.length; j += 2) { latlngs.push([p.line[j + 1], p.line[j]]); }
        var type = lk.type[p.ty] || 'unknown';
        var l = L.polyline(latlngs, {color: st.color, weight: st.weight, opacity: st.opacity,
            dashArray: st.dashArray, className: 'ew-patrol ew-patrol-' + type});
        var who = [];
        if (p.cla) { who.push(w.cla); }
        if (p.fet) { who.push(w.fet); }
        l.bindTooltip(fill(w.patrol, {type: lk.label[p.ty] || ''}) + (p.u ? ' \u00b7 ' + p.u : '') + ' \u00b7 ' +
                      p.s.slice(0, 10), {sticky: true});
        l.bindPopup('<div class="ew-pop"><div class="ew-h">' + fill(w.patrol, {type: lk.label[p.ty] || ''}) + '</div>' +
            '<div class="ew-m">' + (lk.component[p.co] || '') + '</div><table>' + row(w.unit, p.u) +
            row(w.start, p.s) + row(w.end, p.e) + row(w.engagements, p.en) +
            row(w.with_, who.join(', ')) + row(w.id, p.id) + '</table></div>');
        layers.push(l);
    }
    put(parent, layers);
}
