/*
 * ckanext-shafaf: checks the text_fa analysis chain with plain Lucene, no Solr.
 *
 * Solr is not needed and not used: this builds each <analyzer> of a fieldType in
 * ../managed-schema.xml with Lucene's CustomAnalyzer (the same factories Solr
 * instantiates for "solr.XxxFactory"), indexes the documents of a cases file in
 * memory and runs its queries the way CKAN's default Solr request does:
 * defType=dismax (split on whitespace, each word analysed alone,
 * autoGeneratePhraseQueries from the field type) with mm="2<-1 5<80%"; and
 * once more with the whole string analysed at once (edismax/lucene, sow=false).
 *
 *   javac -cp "$LUCENE_CP" -d /tmp/ac AnalysisCheck.java
 *   java -cp "/tmp/ac:$LUCENE_CP" AnalysisCheck .. text_fa analysis_cases.txt
 *   java -cp "/tmp/ac:$LUCENE_CP" AnalysisCheck .. ALL      # build every fieldType
 *
 * LUCENE_CP: lucene-core and lucene-analysis(-common) jars, Lucene 8 or 9, e.g.
 * from a Solr 9 install: server/solr-webapp/webapp/WEB-INF/lib/lucene-{core,analysis-common}-*.jar
 * or Debian's liblucene8-java. Exit status 0 when every expectation holds.
 *
 * Cases file: "A text" prints index and query terms (term@position[/length]);
 * "D id text" adds a document; "Q query => ids" expects exactly those ids, or
 * "Q query => ids | dismax: ids" when CKAN's dismax gives a different answer.
 */
import java.lang.reflect.Method;
import java.nio.file.*;
import java.util.*;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NamedNodeMap;
import org.w3c.dom.NodeList;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.custom.CustomAnalyzer;
import org.apache.lucene.analysis.tokenattributes.*;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.*;
import org.apache.lucene.search.*;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

public class AnalysisCheck {
  /** Factory class simple name ("StopFilterFactory") -> SPI name ("stop"), per kind. */
  static final Map<String, Map<String, String>> SPI = new HashMap<>();

  static void loadSpi(String kind, String available) throws Exception {
    Class<?> base;
    try { base = Class.forName("org.apache.lucene.analysis." + kind); }            // Lucene 9+
    catch (ClassNotFoundException e) { base = Class.forName("org.apache.lucene.analysis.util." + kind); } // Lucene 8
    Method avail = base.getMethod(available), lookup = base.getMethod("lookupClass", String.class);
    Map<String, String> m = new HashMap<>();
    for (Object name : (Set<?>) avail.invoke(null)) m.put(((Class<?>) lookup.invoke(null, name)).getSimpleName(), (String) name);
    SPI.put(kind, m);
  }

  static String spi(String kind, String solrClass) {
    String simple = solrClass.substring(solrClass.lastIndexOf('.') + 1);
    String name = SPI.get(kind).get(simple);
    if (name == null) throw new IllegalArgumentException("Lucene has no " + kind + " " + solrClass);
    return name;
  }

  static Map<String, String> args(Element e) {
    Map<String, String> m = new HashMap<>();
    NamedNodeMap a = e.getAttributes();
    for (int i = 0; i < a.getLength(); i++)
      if (!a.item(i).getNodeName().equals("class")) m.put(a.item(i).getNodeName(), a.item(i).getNodeValue());
    return m;
  }

  static Analyzer build(Path conf, Element analyzer) throws Exception {
    CustomAnalyzer.Builder b = CustomAnalyzer.builder(conf);
    NodeList kids = analyzer.getChildNodes();
    for (int i = 0; i < kids.getLength(); i++) {
      if (!(kids.item(i) instanceof Element)) continue;
      Element k = (Element) kids.item(i);
      String c = k.getAttribute("class");
      switch (k.getTagName()) {
        case "charFilter": b.addCharFilter(spi("CharFilterFactory", c), args(k)); break;
        case "tokenizer": b.withTokenizer(spi("TokenizerFactory", c), args(k)); break;
        case "filter": b.addTokenFilter(spi("TokenFilterFactory", c), args(k)); break;
        default: throw new IllegalStateException("unexpected <" + k.getTagName() + ">");
      }
    }
    return b.build();
  }

  static Element fieldType(org.w3c.dom.Document schema, String name) {
    NodeList fts = schema.getElementsByTagName("fieldType");
    for (int i = 0; i < fts.getLength(); i++)
      if (((Element) fts.item(i)).getAttribute("name").equals(name)) return (Element) fts.item(i);
    throw new IllegalArgumentException("no fieldType " + name);
  }

  /** {index analyzer, query analyzer} */
  static Analyzer[] analyzers(Path conf, Element ft) throws Exception {
    Analyzer idx = null, qry = null;
    NodeList as = ft.getElementsByTagName("analyzer");
    for (int j = 0; j < as.getLength(); j++) {
      Element a = (Element) as.item(j);
      String t = a.getAttribute("type");
      if (t.equals("index")) idx = build(conf, a);
      else if (t.equals("query")) qry = build(conf, a);
      else idx = qry = build(conf, a);
    }
    return new Analyzer[] {idx, qry};
  }

  static String show(Analyzer a, String text) throws Exception {
    StringBuilder sb = new StringBuilder();
    try (TokenStream ts = a.tokenStream("f", text)) {
      CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
      PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
      PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
      ts.reset();
      int pos = -1;
      while (ts.incrementToken()) {
        pos += inc.getPositionIncrement();
        sb.append(term).append('@').append(pos);
        if (len.getPositionLength() != 1) sb.append('/').append(len.getPositionLength());
        sb.append(' ');
      }
      ts.end();
    }
    return sb.toString().trim();
  }

  /** CKAN's default: dismax splits on whitespace; mm = "2<-1 5<80%". */
  static Query dismax(Analyzer qa, String q, boolean autoGenPhrase) {
    QueryBuilder qb = new QueryBuilder(qa);
    List<Query> clauses = new ArrayList<>();
    for (String w : q.trim().split("\\s+")) {
      Query c = autoGenPhrase ? qb.createPhraseQuery("f", w) : qb.createBooleanQuery("f", w, BooleanClause.Occur.MUST);
      if (c != null) clauses.add(c);          // a word that analyses to nothing (stop word) is dropped
    }
    if (clauses.isEmpty()) return null;
    int n = clauses.size();
    int mm = n <= 2 ? n : (n <= 5 ? n - 1 : (int) Math.floor(n * 0.8));
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    for (Query c : clauses) b.add(c, BooleanClause.Occur.SHOULD);
    b.setMinimumNumberShouldMatch(mm);
    return b.build();
  }

  /** edismax / lucene parser with sow=false (Solr 9's default for them): whole string at once, q.op=AND. */
  static Query whole(Analyzer qa, String q) {
    return new QueryBuilder(qa).createBooleanQuery("f", q, BooleanClause.Occur.MUST);
  }

  /** Persian words must come out of the English stemmer and ASCII folding unchanged. */
  static int stemmerLeavesPersianAlone(Path conf, Collection<String> texts) throws Exception {
    Analyzer an = CustomAnalyzer.builder(conf).withTokenizer("whitespace")
        .addTokenFilter("snowballPorter", "language", "English", "protected", "protwords.txt")
        .addTokenFilter("asciiFolding").build();
    int n = 0, changed = 0;
    for (String text : texts)
      for (String w : text.trim().split("\\s+")) {
        if (w.isEmpty() || !w.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.ARABIC || c == 0x200C)) continue;
        try (TokenStream ts = an.tokenStream("f", w)) {
          CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
          ts.reset();
          while (ts.incrementToken()) { n++; if (!t.toString().equals(w)) { changed++; System.out.println("FAIL stemmer changed " + w + " -> " + t); } }
          ts.end();
        }
      }
    System.out.println((changed == 0 ? "ok   " : "FAIL ") + n + " Persian words through SnowballPorter(English)+ASCIIFolding, " + changed + " changed");
    return changed;
  }

  public static void main(String[] argv) throws Exception {
    loadSpi("CharFilterFactory", "availableCharFilters");
    loadSpi("TokenizerFactory", "availableTokenizers");
    loadSpi("TokenFilterFactory", "availableTokenFilters");
    Path conf = Paths.get(argv[0]);
    org.w3c.dom.Document schema = DocumentBuilderFactory.newInstance().newDocumentBuilder()
        .parse(conf.resolve("managed-schema.xml").toFile());

    if (argv[1].equals("ALL")) {
      NodeList all = schema.getElementsByTagName("fieldType");
      for (int i = 0; i < all.getLength(); i++) {
        Element ft = (Element) all.item(i);
        if (ft.getElementsByTagName("analyzer").getLength() == 0) continue;
        Analyzer[] x = analyzers(conf, ft);
        System.out.println("built " + ft.getAttribute("name") + "  index: " + show(x[0], "Open datasets می‌شود") + "  query: " + show(x[1], "Open datasets می‌شود"));
      }
      return;
    }

    Element ft = fieldType(schema, argv[1]);
    Analyzer[] an = analyzers(conf, ft);
    boolean autoGen = "true".equals(ft.getAttribute("autoGeneratePhraseQueries"));
    Map<String, String> docs = new LinkedHashMap<>();
    List<String[]> queries = new ArrayList<>();
    List<String> texts = new ArrayList<>(Files.readAllLines(conf.resolve("lang/stopwords_fa.txt")));
    for (String l : Files.readAllLines(Paths.get(argv[2]))) {
      if (l.isBlank() || l.startsWith("#")) continue;
      if (l.startsWith("A ")) {
        String t = l.substring(2);
        texts.add(t);
        System.out.println("A  " + t + "\n   index: " + show(an[0], t) + "\n   query: " + show(an[1], t));
      } else if (l.startsWith("D ")) {
        String[] p = l.substring(2).split(" ", 2);
        docs.put(p[0], p[1]);
        texts.add(p[1]);
      } else if (l.startsWith("Q ")) {
        String[] p = l.substring(2).split("=>", 2);
        queries.add(new String[] {p[0].trim(), p.length > 1 ? p[1] : ""});
      }
    }
    int fail = stemmerLeavesPersianAlone(conf, texts);

    ByteBuffersDirectory dir = new ByteBuffersDirectory();
    try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(an[0]))) {
      for (Map.Entry<String, String> e : docs.entrySet()) {
        Document d = new Document();
        d.add(new StringField("id", e.getKey(), Field.Store.YES));
        d.add(new TextField("f", e.getValue(), Field.Store.NO));
        w.addDocument(d);
      }
    }
    try (DirectoryReader r = DirectoryReader.open(dir)) {
      IndexSearcher s = new IndexSearcher(r);
      for (String[] q : queries) {
        for (String mode : new String[] {"dismax", "sow=false"}) {
          Query query = mode.equals("dismax") ? dismax(an[1], q[0], autoGen) : whole(an[1], q[0]);
          TreeSet<String> got = new TreeSet<>(), want = new TreeSet<>();
          if (query != null)
            for (ScoreDoc sd : s.search(query, 1000).scoreDocs) got.add(s.doc(sd.doc).get("id"));
          String spec = q[1];
          if (spec.contains("|")) {
            String[] alt = spec.split("\\|", 2);
            spec = mode.equals("dismax") ? alt[1].replace("dismax:", "") : alt[0];
          }
          for (String id : spec.trim().split("[ ,]+")) if (!id.isEmpty()) want.add(id);
          boolean ok = got.equals(want);
          if (!ok) fail++;
          System.out.println((ok ? "ok   " : "FAIL ") + mode + "  q=" + q[0] + "  got=" + got
              + (ok ? "" : "  want=" + want + "  query=" + query));
        }
      }
    }
    System.out.println(fail == 0 ? "ALL OK" : fail + " FAILURES");
    System.exit(fail == 0 ? 0 : 1);
  }
}
