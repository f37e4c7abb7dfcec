package dev.vigil.eval;

import dev.vigil.eval.Dataset.BadDatasetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Reads a Pascal VOC folder: one XML file per image ({@code Annotations/*.xml} with the images in {@code JPEGImages/},
 * or the XML files beside their images). VOC boxes count pixels from 1, both ends included, so a box covers
 * [xmin - 1, xmax] in COCO's continuous coordinates. {@code difficult} objects are ignored as the VOC devkit ignores
 * them. Categories are the object names found, sorted, numbered from 1.
 */
final class VocXml {

    private VocXml() {}

    /** The folder holding the XML files of {@code dir}, or null when it has none. */
    static Path annotationFolder(Path dir) throws IOException {
        Path ann = dir.resolve("Annotations");
        if (Files.isDirectory(ann) && hasXml(ann)) return ann;
        return hasXml(dir) ? dir : null;
    }

    private static boolean hasXml(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml"));
        }
    }

    private record Object(String name, double x, double y, double w, double h, boolean difficult) {}

    static Dataset.Detection read(Path dir) throws IOException {
        Path ann = annotationFolder(dir);
        if (ann == null) throw new BadDatasetException(dir + ": no Pascal VOC XML files (Annotations/*.xml); give the VOC folder");
        Path imageDir = ann.equals(dir) ? dir : Files.isDirectory(dir.resolve("JPEGImages")) ? dir.resolve("JPEGImages") : dir;
        List<Path> xmls;
        try (Stream<Path> s = Files.list(ann)) {
            xmls = s.filter(p -> p.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".xml")).sorted().toList();
        }
        DocumentBuilder parser = parser();
        Map<Path, List<Object>> perImage = new java.util.LinkedHashMap<>();
        Map<Path, int[]> sizes = new java.util.HashMap<>();
        TreeSet<String> names = new TreeSet<>();
        for (Path xml : xmls) {
            Element root;
            try {
                root = parser.parse(xml.toFile()).getDocumentElement();
            } catch (SAXException e) {
                throw new BadDatasetException(xml + ": not well-formed XML (" + CocoJson.firstLine(e.getMessage()) + "); fix or remove the file");
            }
            if (!root.getTagName().equals("annotation"))
                throw new BadDatasetException(xml + ": root element <" + root.getTagName() + ">, not a Pascal VOC <annotation>; remove it from the folder");
            String file = child(root, "filename");
            if (file == null) throw new BadDatasetException(xml + ": no <filename>; add the image's file name");
            Path image = imageDir.resolve(file);
            List<Object> objects = new ArrayList<>();
            NodeList obs = root.getElementsByTagName("object");
            for (int i = 0; i < obs.getLength(); i++) {
                Element o = (Element) obs.item(i);
                String name = child(o, "name");
                NodeList bb = o.getElementsByTagName("bndbox");
                if (name == null || bb.getLength() == 0) throw new BadDatasetException(xml + ": object " + (i + 1) + " has no <name> or <bndbox>; add them");
                Element b = (Element) bb.item(0);
                double x0 = number(xml, b, "xmin"), y0 = number(xml, b, "ymin"), x1 = number(xml, b, "xmax"), y1 = number(xml, b, "ymax");
                objects.add(new Object(name.strip(), x0 - 1, y0 - 1, x1 - x0 + 1, y1 - y0 + 1, "1".equals(child(o, "difficult"))));
                names.add(name.strip());
            }
            perImage.put(image, objects);
            Element size = (Element) root.getElementsByTagName("size").item(0);
            sizes.put(image, size == null ? new int[] {0, 0}
                    : new int[] {(int) number(xml, size, "width"), (int) number(xml, size, "height")});
        }
        Map<String, Integer> ids = new TreeMap<>();
        List<Dataset.Detection.Category> cats = new ArrayList<>();
        for (String n : names) {
            ids.put(n, ids.size() + 1);
            cats.add(new Dataset.Detection.Category(ids.get(n), n));
        }
        List<Dataset.Detection.Image> images = new ArrayList<>();
        List<Box> truths = new ArrayList<>();
        int id = 0;
        for (var e : perImage.entrySet()) {
            id++;
            images.add(new Dataset.Detection.Image(id, e.getKey(), sizes.get(e.getKey())[0], sizes.get(e.getKey())[1]));
            for (Object o : e.getValue()) {
                int cat = ids.get(o.name());
                truths.add(o.difficult() ? Box.ignored(id, cat, o.x(), o.y(), o.w(), o.h())
                        : Box.truth(id, cat, o.x(), o.y(), o.w(), o.h(), o.w() * o.h(), false));
            }
        }
        return new Dataset.Detection(dir, "Pascal VOC", List.copyOf(images), List.copyOf(cats), List.copyOf(truths));
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // Annotation files come from elsewhere: no DTDs, no external entities.
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(null);
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser refuses its secure settings", e);
        }
    }

    private static String child(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? null : l.item(0).getTextContent().strip();
    }

    private static double number(Path xml, Element e, String tag) {
        String v = child(e, tag);
        try {
            return Double.parseDouble(v);
        } catch (NullPointerException | NumberFormatException ex) {
            throw new BadDatasetException(xml + ": <" + tag + "> is " + (v == null ? "missing" : "'" + v + "', not a number") + "; fix the file");
        }
    }
}
