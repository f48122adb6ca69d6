function (d, parent) {
    @@helpers@@
    var lk = d.lookups, w = d.w, layers = [];
    function nos(list) { var out = []; for (var j = 0; j < list.length; j++) { out.push(fill(w.no, {component: list[j]})); }
        return out.join(', '); }
    function dec(x) { return x.toFixed(1).replace('.', w.dec); }
    function colour(score) {
        var t = Math.min(Math.max(score / 100, 0), 1);
        return lk.ramp[Math.min(Math.floor(t * lk.ramp.length), lk.ramp.length - 1)];
    }
    for (var i = 0; i < d.rows.length; i++) {
        var h = obj(d.columns, d.rows[i]);
        var c = colour(h.sc);
        var levels = h.g.type === 'MultiPolygon' ? 2 : 1;
        var tip = h.id + ' \u00b7 #' + h.rk + ' ' + h.pl + ' \u00b7 ' + fill(w.score_of, {score: dec(h.sc)}) +
                  (h.fl ? ' \u00b7 ' + fill(w.flagged_no, {missing: nos(h.gap)}) : '');
        var pop = '<div class="ew-pop ew-hotspot-pop" data-hotspot="' + h.id + '"><div class="ew-h">#' + h.rk +
            ' ' + h.pl + '</div><div class="ew-m">' + h.id + ', ' + h.asof + '</div><table>' +
            row(w.score, dec(h.sc) + ' / 100') + row(w.trend, h.tr) + row(w.alerts, h.n) + row(w.killed, h.k) +
            row(w.present, h.pres.join(', ') || w.none) +
            row(w.missing, h.gap.length ? '<span class="ew-gap">' + h.gap.join(', ') + '</span>' : '') +
            row(w.exposed, h.ex) + row(w.dismounted, h.ld) + '</table>' +
            (h.fl ? '<div class="ew-gap">' + w.flagged + '</div>' : '') +
            '<div class="ew-t">' + h.exp + '</div></div>';
        var poly = L.polygon(L.GeoJSON.coordsToLatLngs(h.g.coordinates, levels), {
            color: h.fl ? lk.flag : c, weight: h.fl ? 3.5 : 1.5, dashArray: h.fl ? '8 5' : null, opacity: 0.95,
            fillColor: c, fillOpacity: 0.28, className: 'ew-hotspot' + (h.fl ? ' ew-hotspot-flagged' : '')});
        poly.bindTooltip(tip, {sticky: true});
        poly.bindPopup(pop, {maxWidth: 340});
        layers.push(poly);
        // a flagged hotspot's badge stays above every other marker (bases, sites, clusters) at any zoom
        var badge = L.marker([h.ly, h.lx], {zIndexOffset: h.fl ? 100000 : 5000, riseOnHover: true, icon: L.divIcon({
            className: 'ew-hotspot-badge' + (h.fl ? ' ew-hotspot-badge-flagged' : ''), iconSize: null,
            iconAnchor: [12, 12], html: '<div style="background:' + c + ';color:' + (h.sc >= 45 ? '#fff' : '#1f2328') +
            '">' + (h.fl ? '<i class="fa-solid fa-flag"></i> ' : '') + '#' + h.rk + '</div>'})});
        badge.bindTooltip(tip);
        badge.bindPopup(pop, {maxWidth: 340});
        layers.push(badge);
    }
    put(parent, layers);
}
