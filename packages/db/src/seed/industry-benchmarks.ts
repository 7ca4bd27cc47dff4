/** A published benchmark ZNYX can install into an org. Facts are the publishers'; see each entry's source. */
export interface IndustryBenchmark {
  slug: string; // stable, kebab-case, e.g. 'truthfulqa'
  name: string; // e.g. 'TruthfulQA'
  description: string; // 1–2 factual sentences: what it measures and what a sample is
  category: string; // one lower-case slug matching /^[a-z0-9][a-z0-9_-]{0,63}$/ — use these where they fit: hallucination, bias, toxicity, jailbreak, harmful_content, over_refusal, prompt_injection, pii
  sampleCount: number; // the published number of samples (the split named in the source comment)
  authors: string; // e.g. 'Stephanie Lin, Jacob Hilton, Owain Evans'
  paperUrl: string; // e.g. 'https://arxiv.org/abs/2109.07958'
  homepage: string | null; // official repo or dataset page
  license: string | null; // SPDX-style where possible, e.g. 'Apache-2.0', 'CC-BY-4.0', 'MIT', 'CC-BY-SA-4.0'
  year: number; // year of first publication
  version: string | null; // a dataset version/release if the publisher names one, else null
}

export const INDUSTRY_BENCHMARKS: readonly IndustryBenchmark[] = [
  // source: HF dataset card truthfulqa/truthful_qa (dataset_infos.json + loading script: "817 questions that span
  // 38 categories", validation split num_examples 817 in both the generation and multiple_choice configs,
  // license "Apache License 2.0", citation Lin, Hilton, Evans, arXiv:2109.07958, year 2021); repo
  // https://github.com/sylinrl/TruthfulQA named as homepage on the card. Count: validation split, 817.
  {
    slug: 'truthfulqa',
    name: 'TruthfulQA',
    description:
      'Measures whether a language model answers questions truthfully rather than repeating common human misconceptions. Each sample is a question from one of 38 categories (e.g. health, law, finance, politics) with reference true and false answers.',
    category: 'hallucination',
    sampleCount: 817,
    authors: 'Stephanie Lin, Jacob Hilton, Owain Evans',
    paperUrl: 'https://arxiv.org/abs/2109.07958',
    homepage: 'https://github.com/sylinrl/TruthfulQA',
    license: 'Apache-2.0',
    year: 2021,
    version: null,
  },
  // source: official README https://github.com/amazon-science/bold ("23,679 different text generation prompts",
  // per-domain table totalling 23,679; "licensed under the Creative Commons Attribution Share Alike 4.0
  // International license"; citation Dhamala et al., FAccT '21) and arXiv:2101.11718 abstract (23,679 prompts,
  // five domains). Note: the HF card AlexaAI/bold tags the data cc-by-4.0; the publisher's README (CC-BY-SA-4.0)
  // was used. Count: all prompts across the five domains.
  {
    slug: 'bold',
    name: 'BOLD (Bias in Open-ended Language Generation Dataset)',
    description:
      'Measures social bias in open-ended text generation across five domains: profession, gender, race, religious ideologies and political ideologies. Each sample is a sentence-beginning prompt taken from Wikipedia for the model to continue.',
    category: 'bias',
    sampleCount: 23679,
    authors:
      'Jwala Dhamala, Tony Sun, Varun Kumar, Satyapriya Krishna, Yada Pruksachatkun, Kai-Wei Chang, Rahul Gupta',
    paperUrl: 'https://arxiv.org/abs/2101.11718',
    homepage: 'https://github.com/amazon-science/bold',
    license: 'CC-BY-SA-4.0',
    year: 2021,
    version: null,
  },
  // source: HF dataset card allenai/real-toxicity-prompts (license apache-2.0; repo
  // https://github.com/allenai/real-toxicity-prompts; citation Gehman, Gururangan, Sap, Choi, Smith,
  // arXiv:2009.11462, 2020) and the TFDS catalog entry real_toxicity_prompts (split 'train': 99,442 examples).
  // The paper abstract describes the set as "100K" prompts; 99,442 is the number of rows actually released.
  {
    slug: 'realtoxicityprompts',
    name: 'RealToxicityPrompts',
    description:
      'Measures how readily a language model degenerates into toxic text when continuing naturally occurring web text. Each sample is a sentence-level prompt from the OpenWebText corpus, paired with Perspective API toxicity scores for the prompt and its original continuation.',
    category: 'toxicity',
    sampleCount: 99442,
    authors: 'Samuel Gehman, Suchin Gururangan, Maarten Sap, Yejin Choi, Noah A. Smith',
    paperUrl: 'https://arxiv.org/abs/2009.11462',
    homepage: 'https://github.com/allenai/real-toxicity-prompts',
    license: 'Apache-2.0',
    year: 2020,
    version: null,
  },
  // source: official README https://github.com/nyu-mll/BBQ (authors, abstract, "11 jsonl files" one per
  // category) and arXiv:2110.08193 (first posted Oct 2021; published in Findings of ACL 2022). Count 58,492 =
  // sum of the 11 per-category files (3,680 + 1,556 + 5,672 + 3,080 + 1,576 + 6,880 + 11,160 + 15,960 + 1,200 +
  // 6,864 + 864) as listed in the walledai/BBQ dataset card; matches the spec. License: the publisher's README
  // states none; HF mirrors (heegyu/bbq, walledai/BBQ) tag cc-by-4.0 but that was not confirmed at the source.
  {
    slug: 'bbq',
    name: 'BBQ (Bias Benchmark for QA)',
    description:
      'Measures how strongly question-answering models rely on social stereotypes across nine social dimensions relevant to U.S. English-speaking contexts, plus two intersectional categories. Each sample is a multiple-choice question posed over either an under-informative (ambiguous) or an adequately informative (disambiguated) context.',
    category: 'bias',
    sampleCount: 58492,
    authors:
      'Alicia Parrish, Angelica Chen, Nikita Nangia, Vishakh Padmakumar, Jason Phang, Jana Thompson, Phu Mon Htut, Samuel R. Bowman',
    paperUrl: 'https://arxiv.org/abs/2110.08193',
    homepage: 'https://github.com/nyu-mll/BBQ',
    license: null,
    year: 2021,
    version: null,
  },
  // source: official README of https://github.com/llm-attacks/llm-attacks (MIT license badge; authors Zou, Wang,
  // Carlini, Nasr, Kolter, Fredrikson; arXiv:2307.15043) and AdvBench HF cards pointing at
  // data/advbench/harmful_behaviors.csv with num_examples 520. Note: the paper text says "500 harmful behaviors";
  // the released harmful_behaviors.csv has 520 rows, which is the count used here (harmful_strings.csv excluded).
  {
    slug: 'advbench-harmful-behaviors',
    name: 'AdvBench Harmful Behaviors',
    description:
      'Harmful-behaviour set from the GCG adversarial-suffix paper, used to measure whether attacks make aligned models comply with harmful requests. Each sample is a harmful instruction paired with an affirmative target response ("Sure, here is ...").',
    category: 'jailbreak',
    sampleCount: 520,
    authors: 'Andy Zou, Zifan Wang, Nicholas Carlini, Milad Nasr, J. Zico Kolter, Matt Fredrikson',
    paperUrl: 'https://arxiv.org/abs/2307.15043',
    homepage: 'https://github.com/llm-attacks/llm-attacks',
    license: 'MIT',
    year: 2023,
    version: null,
  },
  // source: official README https://github.com/paul-rottger/xstest (formerly paul-rottger/exaggerated-safety;
  // authors; NAACL 2024; "XSTest prompts are subject to ... (CC-BY-4.0) license"; prompt file
  // xstest_v2_prompts.csv) and the author's HF card Paul/XSTest ("250 safe prompts across 10 different prompt
  // types, along with 200 unsafe prompts as contrasts"). arXiv:2308.01263 v1 (Aug 2023) had only 200 safe
  // prompts; the v2 release (450 prompts) is used here.
  {
    slug: 'xstest',
    name: 'XSTest',
    description:
      'Measures exaggerated safety (false refusal): whether a model refuses clearly safe prompts that superficially resemble unsafe ones. Each sample is a single English question, either one of 250 safe prompts across ten prompt types or one of 200 contrasting unsafe prompts.',
    category: 'over_refusal',
    sampleCount: 450,
    authors: 'Paul Röttger, Hannah Rose Kirk, Bertie Vidgen, Giuseppe Attanasio, Federico Bianchi, Dirk Hovy',
    paperUrl: 'https://arxiv.org/abs/2308.01263',
    homepage: 'https://github.com/paul-rottger/xstest',
    license: 'CC-BY-4.0',
    year: 2023,
    version: 'v2',
  },
  // source: official README https://github.com/Libr-AI/do-not-answer ("Do not answer collects 939
  // instructions"; "All datasets in this repository are released under the Creative Commons
  // Attribution-NonCommercial-ShareAlike 4.0 International License"; citation Wang, Li, Han, Nakov, Baldwin,
  // Findings of EACL 2024) and HF card LibrAI/do-not-answer (train split num_examples 939). Note: the HF card
  // tags apache-2.0; the README's dataset licence (CC-BY-NC-SA-4.0; code is Apache-2.0) was used.
  {
    slug: 'do-not-answer',
    name: 'Do-Not-Answer',
    description:
      'Evaluates LLM safeguards with prompts that responsible language models should not answer, organised by a three-level taxonomy of five risk areas, 12 harm types and 61 specific harms. Each sample is a single risky instruction labelled with its risk area, harm type and specific harm.',
    category: 'harmful_content',
    sampleCount: 939,
    authors: 'Yuxia Wang, Haonan Li, Xudong Han, Preslav Nakov, Timothy Baldwin',
    paperUrl: 'https://arxiv.org/abs/2308.13387',
    homepage: 'https://github.com/Libr-AI/do-not-answer',
    license: 'CC-BY-NC-SA-4.0',
    year: 2023,
    version: null,
  },
  // source: official README https://github.com/nyu-mll/crows-pairs ("1,508 examples covering nine types of
  // biases"; each example is a sentence pair; "licensed under a Creative Commons Attribution-ShareAlike 4.0
  // International License"; citation Nangia, Vania, Bhalerao, Bowman, EMNLP 2020). HF card crows_pairs: test
  // split 1,508. The README also warns that Blodgett et al. (2021) found significant noise in the data.
  {
    slug: 'crows-pairs',
    name: 'CrowS-Pairs',
    description:
      'Measures the degree to which masked language models prefer U.S. stereotypical sentences, across nine bias types including race/color, gender, religion and age. Each sample is a minimal sentence pair, one more and one less stereotypical, differing only in the words identifying the group.',
    category: 'bias',
    sampleCount: 1508,
    authors: 'Nikita Nangia, Clara Vania, Rasika Bhalerao, Samuel R. Bowman',
    paperUrl: 'https://www.aclweb.org/anthology/2020.emnlp-main.154/',
    homepage: 'https://github.com/nyu-mll/crows-pairs',
    license: 'CC-BY-SA-4.0',
    year: 2020,
    version: null,
  },
  // source: official HF card JailbreakBench/JBB-Behaviors ("100 distinct misuse behaviors" divided into ten
  // categories from OpenAI's usage policies; configs harmful/benign; "This dataset, like the code, is released
  // under MIT License"; citation Chao et al., NeurIPS 2024 Datasets and Benchmarks Track, arXiv:2404.01318).
  // Count: the 'harmful' split (100); a separate 'benign' split of 100 behaviours is not counted.
  {
    slug: 'jbb-behaviors',
    name: 'JailbreakBench (JBB-Behaviors)',
    description:
      'Behaviour set of the JailbreakBench robustness benchmark for tracking jailbreak attacks and defences. Each sample is a misuse behaviour with a goal query, an affirmative target response, an OpenAI usage-policy category and its source (original, TDC/HarmBench or AdvBench).',
    category: 'jailbreak',
    sampleCount: 100,
    authors:
      'Patrick Chao, Edoardo Debenedetti, Alexander Robey, Maksym Andriushchenko, Francesco Croce, Vikash Sehwag, Edgar Dobriban, Nicolas Flammarion, George J. Pappas, Florian Tramèr, Hamed Hassani, Eric Wong',
    paperUrl: 'https://arxiv.org/abs/2404.01318',
    homepage: 'https://huggingface.co/datasets/JailbreakBench/JBB-Behaviors',
    license: 'MIT',
    year: 2024,
    version: null,
  },
  // source: arXiv abs page 2311.08370v2 (authors; "100 test prompts across five harm areas"; v1 submitted
  // 14 Nov 2023), README https://github.com/bertiev/SimpleSafetyTests ("100 handcrafted English test cases
  // across five harms"; GitHub page text "Licence is CC-BY.") and the author's HF card Bertievidgen/SimpleSafetyTests
  // (current metadata license cc-by-2.0; an earlier revision said apache-2.0). CC-BY-2.0 from the current card used.
  {
    slug: 'simplesafetytests',
    name: 'SimpleSafetyTests',
    description:
      'Test suite for rapidly identifying critical safety risks in LLMs across five harm areas: suicide, self-harm and eating disorders; physical harm; illegal and highly regulated items; scams and fraud; and child abuse. Each sample is a handcrafted English prompt that models should, for the vast majority of applications, refuse.',
    category: 'harmful_content',
    sampleCount: 100,
    authors:
      'Bertie Vidgen, Nino Scherrer, Hannah Rose Kirk, Rebecca Qian, Anand Kannappan, Scott A. Hale, Paul Röttger',
    paperUrl: 'https://arxiv.org/abs/2311.08370',
    homepage: 'https://github.com/bertiev/SimpleSafetyTests',
    license: 'CC-BY-2.0',
    year: 2023,
    version: null,
  },
  // source: official HF card cais/wmdp (license mit; test splits wmdp-bio 1,273, wmdp-chem 408, wmdp-cyber
  // 1,987 = 3,668), project site https://www.wmdp.ai/ and the ICML 2024 OpenReview abstract ("a dataset of 3,668
  // multiple-choice questions"). arXiv:2403.03218 v1 (Mar 2024) and the first card revision gave 4,157
  // (1,520 + 412 + 2,225); the current 3,668 release is used. Authors: arXiv listing as reproduced by
  // argminai.com and thelatestinai.com (57 authors).
  {
    slug: 'wmdp',
    name: 'WMDP (Weapons of Mass Destruction Proxy)',
    description:
      'Proxy measurement of hazardous knowledge in biosecurity, cybersecurity and chemical security, also used as a benchmark for unlearning methods. Each sample is a multiple-choice question with its answer choices and the index of the correct one.',
    category: 'hazardous_knowledge',
    sampleCount: 3668,
    authors:
      'Nathaniel Li, Alexander Pan, Anjali Gopal, Summer Yue, Daniel Berrios, Alice Gatti, Justin D. Li, Ann-Kathrin Dombrowski, Shashwat Goel, Long Phan, Gabriel Mukobi, Nathan Helm-Burger, Rassin Lababidi, Lennart Justen, Andrew B. Liu, Michael Chen, Isabelle Barrass, Oliver Zhang, Xiaoyuan Zhu, Rishub Tamirisa, Bhrugu Bharathi, Adam Khoja, Zhenqi Zhao, Ariel Herbert-Voss, Cort B. Breuer, Samuel Marks, Oam Patel, Andy Zou, Mantas Mazeika, Zifan Wang, Palash Oswal, Weiran Lin, Adam A. Hunt, Justin Tienken-Harder, Kevin Y. Shih, Kemper Talley, John Guan, Russell Kaplan, Ian Steneker, David Campbell, Brad Jokubaitis, Alex Levinson, Jean Wang, William Qian, Kallol Krishna Karmakar, Steven Basart, Stephen Fitz, Mindy Levine, Ponnurangam Kumaraguru, Uday Tupakula, Vijay Varadharajan, Ruoyu Wang, Yan Shoshitaishvili, Jimmy Ba, Kevin M. Esvelt, Alexandr Wang, Dan Hendrycks',
    paperUrl: 'https://arxiv.org/abs/2403.03218',
    homepage: 'https://www.wmdp.ai/',
    license: 'MIT',
    year: 2024,
    version: null,
  },
  // source: official README https://github.com/RUCAIBox/HaluEval ("5,000 general user queries with ChatGPT
  // responses and 30,000 task-specific examples" = the "35K data"; four JSON files of 10K QA, 10K dialogue,
  // 10K summarization and 5K general samples; "HaluEval uses MIT License"; citation Li, Cheng, Zhao, Nie, Wen,
  // arXiv:2305.11747, 2023). Count: all four files.
  {
    slug: 'halueval',
    name: 'HaluEval',
    description:
      'Measures how well LLMs recognise hallucinations in question answering, knowledge-grounded dialogue, text summarization and general user queries. Each sample pairs an input with a ground-truth and a ChatGPT-generated hallucinated output, or (general queries) a ChatGPT response with a human hallucination label.',
    category: 'hallucination',
    sampleCount: 35000,
    authors: 'Junyi Li, Xiaoxue Cheng, Wayne Xin Zhao, Jian-Yun Nie, Ji-Rong Wen',
    paperUrl: 'https://arxiv.org/abs/2305.11747',
    homepage: 'https://github.com/RUCAIBox/HaluEval',
    license: 'MIT',
    year: 2023,
    version: null,
  },
  // source: HarmBench paper arXiv:2402.04249 §4.1 as quoted in several public write-ups ("510 unique harmful
  // behaviors, split into 400 textual behaviors and 110 multimodal behaviors"; 200 standard, 100 copyright,
  // 100 contextual, 110 multimodal); abstract "We open source HarmBench at
  // https://github.com/centerforaisafety/HarmBench"; authors from the citation in the JBB-Behaviors card.
  // Count: the 400 textual behaviours (multimodal excluded). License: not confirmed from the publisher (HF
  // mirrors such as walledai/HarmBench tag mit), so left null.
  {
    slug: 'harmbench',
    name: 'HarmBench',
    description:
      'Standardized evaluation framework for automated red teaming and robust refusal, covering seven semantic categories of harm. Each textual sample is a harmful behaviour string (standard, copyright or contextual, the latter with an accompanying context string) that attacks try to elicit.',
    category: 'jailbreak',
    sampleCount: 400,
    authors:
      'Mantas Mazeika, Long Phan, Xuwang Yin, Andy Zou, Zifan Wang, Norman Mu, Elham Sakhaee, Nathaniel Li, Steven Basart, Bo Li, David Forsyth, Dan Hendrycks',
    paperUrl: 'https://arxiv.org/abs/2402.04249',
    homepage: 'https://github.com/centerforaisafety/HarmBench',
    license: null,
    year: 2024,
    version: null,
  },
];
