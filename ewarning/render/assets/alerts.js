function (d, parent) {
    @@helpers@@
    var lk = d.lookups, w = d.w, n = d.x.length, PI = Math.PI;
    function colourOf(i) { return lk.colour[d.c[i]] || lk.neutral; }
    function time(m) { return m === null || m < 0 ? '' :
        new Date((d.t0 + m) * 60000).toISOString().slice(0, 16).replace('T', ' '); }
    function popup(i) {
        var cas = (d.k[i] || d.inj[i]) ? fill(w.killed_injured, {killed: d.k[i], injured: d.inj[i]}) : '';
        var t = d.texts[d.t[i]] || '';
        return '<div class="ew-pop"><div class="ew-h" style="color:' + colourOf(i) + '">' + (lk.label[d.c[i]] || '?') +
            '</div><div class="ew-m">' + fill(w.reported, {time: time(d.rep[i])}) + '</div><table>' +
            row(w.occurred, time(d.occ[i])) + row(w.severity, d.s[i] + ' / 5') + row(w.casualties, cas) +
            row(w.channel, lk.channel[d.ch[i]] || '') + row(w.status, lk.verification[d.v[i]] || '') +
            row(w.source, lk.adm[d.adm[i]]) + row(w.location, lk.precision[d.p[i]] || '') +
            row(w.origin, lk.origin[d.o[i]]) + row(w.id, d.id[i]) + row(w.duplicate, d.dup[i]) + '</table>' +
            (t ? '<div class="ew-t">' + t + '</div>' : '') +
            (t.slice(-1) === '…' ? '<div class="ew-m ew-more">' + w.more + '</div>' : '') +
            '</div>';
    }
    function point(i) {
        var m = L.circleMarker([d.y[i], d.x[i]], {radius: lk.radius[d.s[i]] || lk.radius[1], color: '#ffffff',
            weight: 1, opacity: 0.9, fillColor: colourOf(i), fillOpacity: d.v[i] === lk.discounted ? 0.3 : 0.85,
            className: 'ew-alert ew-cat-' + (lk.code[d.c[i]] || 'unknown')});
        m.bindTooltip((lk.label[d.c[i]] || '?') + ' \u00b7 ' + time(d.rep[i]).slice(0, 10));
        m.bindPopup(function () { return popup(i); }, {maxWidth: 320});
        return m;
    }
    // Web Mercator in [0, 1], computed once; a zoom's grid is these times 256 * 2^z.
    var u = new Float64Array(n), v = new Float64Array(n);
    for (var i = 0; i < n; i++) {
        var lat = Math.max(Math.min(d.y[i], 85), -85) * PI / 180;
        u[i] = (d.x[i] + 180) / 360;
        v[i] = (1 - Math.log(Math.tan(lat) + 1 / Math.cos(lat)) / PI) / 2;
    }
    function cells(z) {
        var scale = 256 * Math.pow(2, z) / d.cell, byKey = {}, out = [];
        for (var i = 0; i < n; i++) {
            var key = Math.floor(u[i] * scale) * 1e7 + Math.floor(v[i] * scale), c = byKey[key];
            if (!c) { c = byKey[key] = {key: 'c' + z + ':' + key, n: 0, lat: 0, lng: 0, s: 0, i: i,
                                        s0: 90, w0: 180, n0: -90, e0: -180}; out.push(c); }
            c.n++; c.lat += d.y[i]; c.lng += d.x[i];
            if (d.s[i] > c.s) { c.s = d.s[i]; }
            if (d.y[i] < c.s0) { c.s0 = d.y[i]; } if (d.y[i] > c.n0) { c.n0 = d.y[i]; }
            if (d.x[i] < c.w0) { c.w0 = d.x[i]; } if (d.x[i] > c.e0) { c.e0 = d.x[i]; }
        }
        for (var j = 0; j < out.length; j++) { out[j].lat /= out[j].n; out[j].lng /= out[j].n; }
        return out;
    }
    function badge(c, map) {
        var label = c.n >= 10000 ? Math.round(c.n / 1000) + 'k' : c.n >= 1000 ? (c.n / 1000).toFixed(1) + 'k' : c.n;
        var m = L.marker([c.lat, c.lng], {title: fill(w.cluster, {n: c.n}), icon: L.divIcon({
            html: '<div style="background:' + lk.ramp[c.s] + '"><span>' + label + '</span></div>',
            className: 'ew-cluster ew-alert-cluster', iconSize: L.point(36, 36)})});
        m.on('click', function () {
            if (c.n0 - c.s0 < 1e-6 && c.e0 - c.w0 < 1e-6) { map.setView([c.lat, c.lng], d.flat); }
            else { map.fitBounds([[c.s0, c.w0], [c.n0, c.e0]], {maxZoom: d.flat, padding: [20, 20]}); }
        });
        return m;
    }
    var Alerts = L.FeatureGroup.extend({
        onAdd: function (map) {
            L.FeatureGroup.prototype.onAdd.call(this, map);
            this._live = this._live || {};
            map.on('moveend', this._redraw, this);
            this._redraw();
        },
        onRemove: function (map) {
            map.off('moveend', this._redraw, this);
            L.FeatureGroup.prototype.onRemove.call(this, map);
        },
        _redraw: function () {
            var map = this._map;
            if (!map) { return; }
            var z = map.getZoom(), want = {}, view = map.getBounds().pad(0.3), key, j;
            if (!d.clustered) {
                for (j = 0; j < n; j++) { want['p' + j] = j; }
            } else if (z >= d.flat) {
                for (j = 0; j < n; j++) { if (view.contains([d.y[j], d.x[j]])) { want['p' + j] = j; } }
            } else {
                var list = this._cells[z] || (this._cells[z] = cells(z));
                for (j = 0; j < list.length; j++) {
                    var c = list[j];
                    if (view.contains([c.lat, c.lng])) { if (c.n === 1) { want['p' + c.i] = c.i; } else { want[c.key] = c; } }
                }
            }
            for (key in this._live) {
                if (!(key in want)) { this.removeLayer(this._live[key]); delete this._live[key]; }
            }
            var add = [];
            for (key in want) {
                if (!(key in this._live)) {
                    var m = typeof want[key] === 'number' ? point(want[key]) : badge(want[key], map);
                    this._live[key] = m; add.push(m);
                }
            }
            for (j = 0; j < add.length; j++) { this.addLayer(add[j]); }
        },
        // Show one alert by id and open its popup (for the desk and the browser test).
        openAlert: function (id) {
            var i = d.id.indexOf(id), map = this._map;
            if (i < 0 || !map) { return false; }
            map.setView([d.y[i], d.x[i]], Math.max(map.getZoom(), d.clustered ? d.flat : 0), {animate: false});
            this._redraw();
            var m = this._live['p' + i];
            if (!m) { return false; }
            m.openPopup();
            return true;
        }
    });
    var layer = new Alerts();
    layer._cells = {};
    layer._ewAlerts = n;
    parent.addLayer(layer);
}
