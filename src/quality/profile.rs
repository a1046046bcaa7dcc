//! Every threshold the checks use, in one place, with its unit.
//!
//! A `Profile` decides what "good enough" means: which document is expected and how strict each check
//! is. The defaults follow the SDK settings and papers listed under "Research" in
//! docs/ARCHITECTURE.md (BlinkID, Regula, idnorm, published focus numbers); the presets change only
//! what a portal is known to change.

use serde::{Deserialize, Serialize};

use super::mrz::CalendarDate;

/// The physical document the frame should contain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DocumentKind {
    /// ISO/IEC 7810 ID-1: ID cards, driving licences, 85.60 × 53.98 mm.
    IdCard,
    /// ISO/IEC 7810 ID-3: a passport data page, 125 × 88 mm.
    Passport,
}

impl DocumentKind {
    /// Width × height of the document in millimetres (landscape).
    pub fn size_mm(self) -> (f64, f64) {
        match self {
            DocumentKind::IdCard => (85.60, 53.98),
            DocumentKind::Passport => (125.0, 88.0),
        }
    }

    /// Long side over short side: 1.586 for ID-1, 1.420 for ID-3.
    pub(crate) fn aspect(self) -> f64 {
        let (w, h) = self.size_mm();
        w / h
    }

    /// The id used in JSON and on the command line.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "id-card",
            DocumentKind::Passport => "passport",
        }
    }

    /// A label for people.
    pub(crate) fn label(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "ID card",
            DocumentKind::Passport => "Passport page",
        }
    }

    /// The label inside a sentence, with its article: "an ID card", "a passport page".
    pub fn with_article(self) -> &'static str {
        match self {
            DocumentKind::IdCard => "an ID card",
            DocumentKind::Passport => "a passport page",
        }
    }

    /// The other kind (the one a person may have meant to choose).
    pub fn other(self) -> DocumentKind {
        match self {
            DocumentKind::IdCard => DocumentKind::Passport,
            DocumentKind::Passport => DocumentKind::IdCard,
        }
    }
}

/// Which document to look for: a fixed kind, or whichever fits the detected shape best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum DocChoice {
    /// An ID card (ID-1, 85.6 × 54 mm).
    IdCard,
    /// A passport data page (ID-3, 125 × 88 mm).
    Passport,
    /// Decide per frame from the document's aspect ratio.
    #[default]
    Auto,
}

impl DocChoice {
    /// The kinds this choice allows, most likely first.
    pub(crate) fn kinds(self) -> &'static [DocumentKind] {
        match self {
            DocChoice::IdCard => &[DocumentKind::IdCard],
            DocChoice::Passport => &[DocumentKind::Passport],
            DocChoice::Auto => &[DocumentKind::IdCard, DocumentKind::Passport],
        }
    }
}

/// Thresholds for every check. Fields are public so a preset or a test can change one number.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Which document to look for.
    pub doc: DocChoice,

    /// `corners`: each corner must lie at least this far inside the image, as a fraction of the image's
    /// shorter side. Range 0.0–0.2; default 0.02 (2 %). BlinkID uses 1 % of the document size.
    pub corner_margin_frac: f64,

    /// `fill`: the document's long side must cover at least this fraction of the frame extent along
    /// the same direction (frame width for a card lying across a landscape frame). Range 0.0–1.0;
    /// default 0.40.
    pub min_fill_frac: f64,

    /// `tilt`: largest accepted out-of-plane tilt of the document against the camera, degrees.
    /// Range 0–45; default 10 (idnorm; industry guides say 10–12).
    pub max_tilt_deg: f64,

    /// `tilt`: largest accepted in-plane rotation of the document's long edge from the nearest image
    /// axis, degrees. Range 0–45; default 20 (Veridas). Reported always; 45 disables it.
    pub max_rotation_deg: f64,

    /// `tilt`: accepted relative deviation of the perspective-corrected aspect ratio from the document's
    /// (ID-1 1.586, ID-3 1.420). Unitless fraction; default 0.06 (6 %). The two kinds are 11 % apart.
    pub aspect_tolerance: f64,

    /// Horizontal field of view assumed for the camera, degrees, used to turn the quad into a 3-D
    /// pose. Typical webcams and phone main cameras are 60–78°; default 70.
    pub assumed_hfov_deg: f64,

    /// `resolution`: minimum dots per inch across the document (pixels across its long side divided by
    /// its width in inches). Default 250 (843 px across an ID-1 card); the strict preset asks 300.
    pub min_dpi: f64,

    /// `focus`: largest accepted edge blur: the Gaussian σ, in millimetres on the document, of the
    /// blurriest gradient direction's sharpest edges, beyond what the 640-px rectification itself
    /// reads on a perfect step. Range 0.05–1.0 mm; default 0.205. Measured on the 59 MIDV-500 dev
    /// frames (ground-truth quads): untouched 0.00–0.20 mm, Gaussian blur σ = 3 px 0.21–0.38 mm,
    /// 17-px motion blur 0.20–0.57 mm (one frame at 0.201).
    pub max_blur_mm: f64,

    /// `focus`: a failing frame is called motion blur rather than defocus when the sharpest
    /// gradient direction's read edge blur over the blurriest one's is below this. Unitless 0–1;
    /// default 0.80. MIDV-500 dev: Gaussian blur 0.84–0.99, 17-px motion blur 0.37–0.75.
    pub motion_anisotropy: f64,

    /// `glare` and `exposure`: a pixel is clipped when its luma reaches this value (0–255). Default
    /// 250. Luma rather than max(R,G,B): pink or light-blue security print clips one colour channel
    /// on a well-exposed card. On MIDV-500 a max(R,G,B) rule also flagged two frames for a broad
    /// tinted sheen and one for a faint streak that leaves the print readable.
    pub glare_clip_level: u8,

    /// `glare`: a clipped blob counts as a specular highlight when it is at least this fraction of
    /// the document area. Range 0–0.01; default 0.0002 (0.02 %, about 50 canonical pixels).
    pub glare_min_blob_frac: f64,

    /// `glare`: fail when clipped highlight blobs cover more than this fraction of the document.
    /// Range 0–0.1; default 0.005 (0.5 %). Regula's example allows 6 %, which lets glare over a
    /// photo through. On the MIDV-500 dev frames every frame above 0.5 % shows a reflection by eye
    /// (0.7–15 %); a synthetic reflection with a 3 % clipped core reads 6–22 % with its halo.
    pub max_glare_frac: f64,

    /// `exposure`: too dark when the document's 95th luma percentile is below this (0–255).
    /// Default 110. MIDV-500 dev: untouched 174–255, darkened ×0.2 35–51.
    pub min_p95_luma: f64,

    /// `exposure`: too bright when the document's median luma reaches this (0–255). Default 252
    /// (the research note's 245 fails three well-exposed white MIDV-500 cards at 246–249; an
    /// over-exposed ×2.5 frame reads 255).
    pub max_median_luma: f64,

    /// `exposure`: low contrast when p95 − p5 of document luma is below this (0–255). Default 60.
    /// MIDV-500 dev: untouched 97–200; contrast ×0.5 48–100.
    pub min_contrast: f64,

    /// `exposure`: too bright when more than this fraction (0–1) of the whole frame has a channel
    /// at `frame_clip_level` or above, whatever the document detector found. Default 0.5: untouched MIDV-500 dev
    /// frames reach 0.24 (white paper on the desk), the same frames over-exposed ×2.5 are at
    /// 0.21–1.0 (median 0.73).
    pub max_frame_clipped_frac: f64,

    /// `exposure`: uneven light when (brightest − darkest)/brightest of the local paper white
    /// (90th luma percentile) over a 3 × 4 grid of document cells exceeds this. Unitless 0–1;
    /// default 0.50. MIDV-500 dev: untouched 0.01–0.42 (the top ones hold a reflection or a dark
    /// portrait filling a cell), one half shadowed to 40 % 0.58–0.73.
    pub max_unevenness: f64,

    /// `exposure`: a frame pixel counts as washed out (for `max_frame_clipped_frac`) when one of
    /// its channels reaches this level (0–255). Default 250, the same level as `glare_clip_level`
    /// but per channel: it judges the whole frame, document or not.
    pub frame_clip_level: u8,

    /// `document`: least mean edge support (0–1) of the quad's visible outline for the document
    /// to count as found. Default 0.5, the detector's original constant. The detector itself keeps
    /// quads whose seen sides are each at least 45 % backed (one may be 20 %: a finger over it);
    /// the tracker's floor (`track::MIN_TRACKED_MEAN_SUPPORT`, 0.6) is above the default, so a
    /// tracked document counts as found.
    pub min_edge_support: f64,

    /// `occlusion`: fail when something lying across the outline (a finger, a sleeve) covers more
    /// than this fraction of the document. A cover that reaches no more than 3 mm in (the ~2 mm
    /// rim plus the outline's ~1 mm of error) is free; a deeper one counts from the edge. Range
    /// 0–0.1; default 0.004 (0.4 %, about 18 mm² of an ID-1 card: a fingertip 5 mm wide reaching
    /// 3.5 mm in). The limit comes from that physical size, not from the frames: on the MIDV-500
    /// dev frames it catches all 9 labelled covers and passes 49 of the 50 unoccluded frames on
    /// their ground-truth quads (tests/occlusion_dataset.rs prints both; the one failed is a
    /// thumb over the white margin up to the photo that its label calls a rim touch).
    pub max_occlusion_frac: f64,

    /// `background`: least median luma contrast (levels 0–255) between the background 2 mm outside
    /// the outline and the card's rim 1.5 mm inside it. Default 20, between the two measured
    /// groups: MIDV-500 dev frames read 21–180 on their ground-truth quads (the lowest are white
    /// cards on white paper, still detected; one frame whose ground-truth quad is off the card reads
    /// 18); the same cards pasted on near-white paper of matched brightness read 15 or less on most
    /// frames (tests/occlusion_dataset.rs prints both).
    pub min_background_contrast: f64,

    /// `expiry`: the check passes but warns (message and hint) when fewer than this many days
    /// remain before the document expires. Days, 0–365; default 30 (issue 11: portals refuse a
    /// document about to expire during their review).
    pub expiry_warn_days: i64,

    /// `expiry`: the day the expiry date is judged against. `quality/` has no clock: the shell
    /// sets it (`idcap check --today`, the system date in the app). `None`: expiry is not judged.
    #[serde(skip)]
    pub today: Option<CalendarDate>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            doc: DocChoice::Auto,
            corner_margin_frac: 0.02,
            min_fill_frac: 0.40,
            max_tilt_deg: 10.0,
            max_rotation_deg: 20.0,
            aspect_tolerance: 0.06,
            assumed_hfov_deg: 70.0,
            min_dpi: 250.0,
            max_blur_mm: 0.205,
            motion_anisotropy: 0.80,
            glare_clip_level: 250,
            glare_min_blob_frac: 0.0002,
            max_glare_frac: 0.005,
            min_p95_luma: 110.0,
            max_median_luma: 252.0,
            min_contrast: 60.0,
            max_frame_clipped_frac: 0.5,
            max_unevenness: 0.50,
            frame_clip_level: 250,
            min_edge_support: 0.5,
            max_occlusion_frac: 0.004,
            min_background_contrast: 20.0,
            expiry_warn_days: 30,
            today: None,
        }
    }
}

/// Named presets a person or a script can pick.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Preset {
    /// What most KYC portals accept (Binance-style): 250 dpi, 2 % corner margin.
    #[default]
    Standard,
    /// For back ends that read the document automatically (AssureID-style): 300 dpi, 8° tilt.
    Strict,
}

impl Preset {
    /// The thresholds of this preset for document choice `doc`.
    pub fn profile(self, doc: DocChoice) -> Profile {
        let base = Profile {
            doc,
            ..Profile::default()
        };
        match self {
            Preset::Standard => base,
            Preset::Strict => Profile {
                min_dpi: 300.0,
                max_tilt_deg: 8.0,
                ..base
            },
        }
    }
}
