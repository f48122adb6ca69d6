/*
 * The dashboard's map frame (app_pages/map_component.py).
 *
 * Speaks Streamlit's component protocol (API version 1) with plain
 * window.postMessage: it says "streamlit:componentReady", receives
 * "streamlit:render" messages with the arguments given in Python, and sends
 * "streamlit:setFrameHeight" and "streamlit:setComponentValue".
 *
 * Arguments (all strings rendered once by folium in Python):
 *   fixed: {header, html, script, map_name, sig}: the map. The header is
 *          replayed in order (scripts and stylesheets from the vendored
 *          assets, styles), the html added, the script run; it creates the
 *          Leaflet map as the variable map_name. Built once per frame: a new
 *          sig reloads the frame.
 *   live:  {header, script, parent, sig} or null: layers run against the open
 *          map (the script calls it `parent`). A new sig runs the new script,
 *          which removes the previous live layers itself; the map, its view
 *          and its controls stay.
 *   height, returned_objects.
 * Returned: {last_object_clicked_tooltip, last_clicked, all_drawings}, keys limited to
 * returned_objects, sent when they change.
 */
(function () {
    "use strict";

    var root = document.getElementById("ew-map-root");
    var state = {
        fixedSig: null, liveSig: null, map: null, height: null, returned: [],
        seen: {}, tooltip: null, clicked: null, pin: null, drawn: [], sent: null
    };
    var queue = Promise.resolve();

    function send(type, fields) {
        var message = {isStreamlitMessage: true, type: type};
        for (var name in fields) {
            if (Object.prototype.hasOwnProperty.call(fields, name)) { message[name] = fields[name]; }
        }
        window.parent.postMessage(message, "*");
    }

    function showError(error) {
        var box = document.getElementById("ew-map-error") || document.createElement("div");
        box.id = "ew-map-error";
        box.textContent = "The map could not be drawn: " + (error && error.message ? error.message : error);
        document.body.insertBefore(box, document.body.firstChild);
        if (window.console) { console.error(error); }
    }

    // -- replaying folium's markup ------------------------------------------------------------------

    function parse(markup) {
        var template = document.createElement("template");   // inert: nothing loads or runs while parsing
        template.innerHTML = markup || "";
        return Array.prototype.slice.call(template.content.childNodes);
    }

    function once(kind, id) {
        var key = kind + " " + id;
        if (state.seen[key]) { return false; }
        state.seen[key] = true;
        return true;
    }

    function loadScript(src) {
        return new Promise(function (resolve, reject) {
            var script = document.createElement("script");
            script.src = src;
            script.async = false;
            script.onload = function () { resolve(); };
            script.onerror = function () { reject(new Error("could not load " + src)); };
            document.head.appendChild(script);
        });
    }

    function loadStylesheet(node) {
        return new Promise(function (resolve) {
            var link = document.createElement("link");
            for (var i = 0; i < node.attributes.length; i++) {
                link.setAttribute(node.attributes[i].name, node.attributes[i].value);
            }
            // A missing stylesheet leaves the map plainer, not broken: go on either way.
            link.onload = function () { resolve(); };
            link.onerror = function () {
                if (window.console) { console.warn("could not load " + link.href); }
                resolve();
            };
            document.head.appendChild(link);
        });
    }

    function runScript(text) {
        // A classic script element runs at once, at the top level (folium's `var`s become globals).
        var script = document.createElement("script");
        script.textContent = text;
        document.head.appendChild(script);
    }

    function place(node) {
        if (node.nodeType !== 1) { return Promise.resolve(); }          // text and comments
        var tag = node.tagName.toLowerCase();
        if (tag === "script") {
            var src = node.getAttribute("src");
            if (src) { return once("script", src) ? loadScript(src) : Promise.resolve(); }
            runScript(node.textContent);
            return Promise.resolve();
        }
        if (tag === "link" && /stylesheet/i.test(node.getAttribute("rel") || "")) {
            return once("css", node.getAttribute("href")) ? loadStylesheet(node) : Promise.resolve();
        }
        if (tag === "style") {
            if (once("style", node.textContent)) { document.head.appendChild(document.importNode(node, true)); }
            return Promise.resolve();
        }
        if (tag === "meta" || tag === "title") { return Promise.resolve(); }
        document.head.appendChild(document.importNode(node, true));
        return Promise.resolve();
    }

    function replay(markup) {
        // In order: a plugin's script needs Leaflet's to have run.
        return parse(markup).reduce(function (chain, node) {
            return chain.then(function () { return place(node); });
        }, Promise.resolve());
    }

    // -- what the user did ----------------------------------------------------------------------------

    function textOf(content, layer) {
        if (typeof content === "function") { content = content(layer); }
        if (content === null || content === undefined) { return null; }
        if (content.nodeType) { return (content.textContent || "").trim(); }
        // Leaflet shows a string tooltip as HTML: its text, read from an inert document.
        var doc = new DOMParser().parseFromString(String(content), "text/html");
        return (doc.body.textContent || "").trim();
    }

    function onLayerClick(e) {
        var layer = e.target;
        var tooltip = layer && typeof layer.getTooltip === "function" ? layer.getTooltip() : null;
        if (!tooltip) { return; }
        var text = textOf(tooltip.getContent(), layer);
        if (text !== null) {
            state.tooltip = text;
            report();
        }
    }

    function watch(layer) {
        // Every layer drawn on the map passes here (also those a group adds later, e.g. alerts in view);
        // groups are skipped: a click on a member reaches the member itself.
        if (!layer || layer._ewWatched || typeof layer.on !== "function" || layer instanceof L.LayerGroup) {
            return;
        }
        layer._ewWatched = true;
        layer.on("click", onLayerClick);
    }

    function drawings() {
        var features = [];
        for (var i = 0; i < state.drawn.length; i++) {
            if (typeof state.drawn[i].toGeoJSON === "function") { features.push(state.drawn[i].toGeoJSON()); }
        }
        return features;
    }

    function current() {
        // What Python gets: null until something was clicked or drawn (as the default in Python).
        var all = {last_object_clicked_tooltip: state.tooltip, last_clicked: state.clicked,
                   all_drawings: state.drawn.length ? drawings() : null};
        var value = {};
        for (var i = 0; i < state.returned.length; i++) {
            var key = state.returned[i];
            if (Object.prototype.hasOwnProperty.call(all, key)) { value[key] = all[key]; }
        }
        return value;
    }

    function report() {
        var value = current();
        var text = JSON.stringify(value);
        if (text === state.sent) { return; }
        state.sent = text;
        send("streamlit:setComponentValue", {value: value, dataType: "json"});
    }

    function hook(map) {
        map.eachLayer(watch);
        // A click on the map itself (not on a layer): where, for a page that picks a location.
        map.on("click", function (e) {
            if (state.returned.indexOf("last_clicked") < 0) { return; }   // only a page that picks a location
            state.clicked = {lat: Math.round(e.latlng.lat * 1e5) / 1e5, lng: Math.round(e.latlng.lng * 1e5) / 1e5};
            if (state.pin) { state.pin.setLatLng(e.latlng); } else {
                state.pin = L.circleMarker(e.latlng, {radius: 7, color: "#b42318", weight: 3, fillOpacity: 0.3,
                                                      className: "ew-picked", interactive: false}).addTo(map);
            }
            report();
        });
        map.on("layeradd", function (e) { watch(e.layer); });
        map.on("draw:created", function (e) {
            state.drawn.push(e.layer);
            report();
        });
        map.on("draw:deleted", function (e) {
            e.layers.eachLayer(function (layer) {
                var i = state.drawn.indexOf(layer);
                if (i >= 0) { state.drawn.splice(i, 1); }
            });
            report();
        });
        map.on("draw:edited", function () { report(); });
    }

    // -- rendering ------------------------------------------------------------------------------------

    function setHeight(height) {
        if (typeof height !== "number" || height === state.height) { return; }
        state.height = height;
        root.style.height = height + "px";
        if (state.map) { state.map.invalidateSize(); }
        send("streamlit:setFrameHeight", {height: height});
    }

    function build(fixed, height) {
        setHeight(height);
        return replay(fixed.header).then(function () {
            parse(fixed.html).forEach(function (node) { root.appendChild(document.importNode(node, true)); });
            runScript(fixed.script);
            var map = window[fixed.map_name];
            if (!map || typeof map.eachLayer !== "function") {
                throw new Error("the map script did not create the map " + fixed.map_name);
            }
            window.map = map;
            state.map = map;
            state.fixedSig = fixed.sig;
            hook(map);
            map.invalidateSize();
        });
    }

    function addLive(live) {
        return replay(live.header).then(function () {
            // The live script names the map it was rendered on `parent`: bind that name to the open map.
            var run = new Function(live.parent, live.script);
            run.call(window, state.map);
            state.liveSig = live.sig;
        });
    }

    function render(args) {
        var fixed = args.fixed;
        if (!fixed) { return Promise.resolve(); }
        if (state.fixedSig !== null && state.fixedSig !== fixed.sig) {
            window.location.reload();          // another map: start afresh (Streamlit renders it on ready)
            return new Promise(function () {});
        }
        state.returned = args.returned_objects || [];
        if (state.sent === null) { state.sent = JSON.stringify(current()); }   // Python holds the default
        var ready = state.fixedSig === null ? build(fixed, args.height) : Promise.resolve();
        return ready.then(function () {
            setHeight(args.height);
            if (args.live && args.live.sig !== state.liveSig) { return addLive(args.live); }
            return null;
        });
    }

    window.addEventListener("message", function (event) {
        if (event.source !== window.parent) { return; }
        var data = event.data;
        if (!data || data.type !== "streamlit:render") { return; }
        // One render at a time, in the order they came: a render may arrive while the assets still load.
        queue = queue.then(function () { return render(data.args || {}); }).catch(showError);
    });

    send("streamlit:componentReady", {apiVersion: 1});
}());
